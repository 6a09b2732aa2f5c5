package net.dta.protocol.layout;

/** The five store kinds; the code is the same in store headers, catalog entries and report opcodes. */
public enum StoreKind {
    KEY_WRITE(1, "key-write"),
    KEY_INCREMENT(2, "key-increment"),
    POSTCARD(3, "postcard"),
    APPEND(4, "append"),
    SKETCH(5, "sketch");

    private final int code;
    private final String configName;

    StoreKind(int code, String configName) {
        this.code = code;
        this.configName = configName;
    }

    /** The numeric code of protocol.md (store header kind, catalog kind, report opcode). */
    public int code() {
        return code;
    }

    /** The spelling used in configuration files and the CLI. */
    public String configName() {
        return configName;
    }

    /** Never throws: null for an unknown code. */
    public static StoreKind ofCode(int code) {
        for (StoreKind k : values()) {
            if (k.code == code) {
                return k;
            }
        }
        return null;
    }

    /** Null for an unknown name. */
    public static StoreKind ofConfigName(String name) {
        for (StoreKind k : values()) {
            if (k.configName.equals(name)) {
                return k;
            }
        }
        return null;
    }
}

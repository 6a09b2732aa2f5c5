package net.dta.protocol.layout;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * A store as the collector defines it and as catalogs and store headers describe it.
 *
 * @param countersLittleEndian flags bit 0: counters are little-endian (a NIC with host-order atomics)
 */
public record StoreDefinition(int storeId, String name, StoreLayout layout, boolean countersLittleEndian) {
    public static final int NAME_BYTES = 24;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    public StoreDefinition {
        if (storeId < 1 || storeId > 0xFFFF) {
            throw new LayoutException("id", "store ids are 1..65535 (0 is reserved), got " + storeId);
        }
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > NAME_BYTES) {
            throw new LayoutException("name", "must be 1.." + NAME_BYTES + " bytes of UTF-8, got \"" + name + "\"");
        }
        if (!NAME.matcher(name).matches()) {
            throw new LayoutException("name", "letters, digits, '.', '_' and '-' only (it names a file), got \"" + name + "\"");
        }
    }

    /**
     * The rule of store names, which name files: 1..24 bytes of letters, digits, '.', '_' or '-',
     * starting with a letter or digit.
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches() && name.getBytes(StandardCharsets.UTF_8).length <= NAME_BYTES;
    }

    public StoreKind kind() {
        return layout.kind();
    }

    public int flags() {
        return countersLittleEndian ? 1 : 0;
    }
}

package net.dta.reporter;

import java.util.Locale;

import net.dta.protocol.report.Report;

/** The five DTA primitives (protocol.md 2.3), with the short names the command line uses. */
public enum Primitive {
    KEY_WRITE("kw", "Key-Write", Report.OPCODE_KEY_WRITE),
    KEY_INCREMENT("ki", "Key-Increment", Report.OPCODE_KEY_INCREMENT),
    POSTCARD("pc", "Postcard", Report.OPCODE_POSTCARD),
    APPEND("ap", "Append", Report.OPCODE_APPEND),
    SKETCH_MERGE("sk", "Sketch-Merge", Report.OPCODE_SKETCH_MERGE);

    private static final Primitive[] BY_OPCODE = new Primitive[8];

    static {
        for (Primitive p : values()) {
            BY_OPCODE[p.opcode] = p;
        }
    }

    private final String shortName;
    private final String displayName;
    private final int opcode;

    Primitive(String shortName, String displayName, int opcode) {
        this.shortName = shortName;
        this.displayName = displayName;
        this.opcode = opcode;
    }

    /** kw, ki, pc, ap, sk. */
    public String shortName() {
        return shortName;
    }

    /** Key-Write, Key-Increment, ... as protocol.md names them. */
    public String displayName() {
        return displayName;
    }

    /** The report opcode, 1..5. */
    public int opcode() {
        return opcode;
    }

    /** The primitive of an opcode, or null for an opcode this protocol version does not define. */
    public static Primitive ofOpcode(int opcode) {
        return opcode >= 0 && opcode < BY_OPCODE.length ? BY_OPCODE[opcode] : null;
    }

    /** Parses kw/ki/pc/ap/sk (or the long names key-write, key-increment, postcard, append, sketch-merge). */
    public static Primitive parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        for (Primitive p : values()) {
            if (p.shortName.equals(t) || p.displayName.toLowerCase(Locale.ROOT).equals(t)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown primitive \"" + text + "\": use kw (Key-Write), ki (Key-Increment), "
                + "pc (Postcard), ap (Append) or sk (Sketch-Merge)");
    }
}

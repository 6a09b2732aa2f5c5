package net.dta.deployment;

/** The MAC a deployment gives a switch or collector whose entry names none. */
public final class Mac {
    private Mac() {
    }

    /**
     * The default MAC of an IPv4 address: {@code 02:00:a:b:c:d}, locally administered and unicast,
     * unique per address. A deployment on loopback never puts it on a wire; real ports give their
     * MACs in the file.
     */
    public static long ofIpv4(int address) {
        return 0x0200_0000_0000L | (address & 0xFFFF_FFFFL);
    }
}

package net.dta.rdma.cm;

/**
 * What the passive side (the collector) puts in a REP; every other field takes protocol.md 7.2's
 * value.
 *
 * @param privateData up to 196 bytes (the DTA REP data)
 */
public record RepParameters(int localCommId, int remoteCommId, int localQpn, int startingPsn, long localCaGuid,
                            byte[] privateData) {
    public RepParameters {
        privateData = privateData.clone();
        if (privateData.length > CmRep.PRIVATE_DATA_LENGTH) {
            throw new IllegalArgumentException("REP private data is at most 196 bytes, got " + privateData.length);
        }
    }

    @Override
    public byte[] privateData() {
        return privateData.clone();
    }
}

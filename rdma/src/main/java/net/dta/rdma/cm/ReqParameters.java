package net.dta.rdma.cm;

/**
 * What the active side (the controller, for the translator) puts in a REQ; every other field
 * takes protocol.md 7.2's value.
 *
 * @param ipCmSourcePort the translator's UDP source port for the queue pair
 * @param consumerData   up to 56 bytes after the IP CM header (the DTA REQ data)
 */
public record ReqParameters(int localCommId, int cmPort, long localCaGuid, int localQpn, int startingPsn,
                            int pathMtuCode, int localIp, int remoteIp, int ipCmSourcePort, byte[] consumerData) {
    public ReqParameters {
        consumerData = consumerData.clone();
        if (consumerData.length > CmReq.PRIVATE_DATA_LENGTH - IpCmHeader.LENGTH) {
            throw new IllegalArgumentException("REQ consumer data is at most 56 bytes, got " + consumerData.length);
        }
    }

    @Override
    public byte[] consumerData() {
        return consumerData.clone();
    }
}

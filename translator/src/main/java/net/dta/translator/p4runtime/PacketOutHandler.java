package net.dta.translator.p4runtime;

/** Takes PacketOuts to the data plane (translator-control.md 3); false when it cannot take more now. */
@FunctionalInterface
public interface PacketOutHandler {
    boolean packetOut(byte[] frame, int egressPort);
}

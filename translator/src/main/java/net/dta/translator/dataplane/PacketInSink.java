package net.dta.translator.dataplane;

/**
 * Where PacketIns go (translator-control.md 3): the P4Runtime stream of the primary controller.
 * Called on the data-plane thread; must not block. Returns false when the PacketIn was dropped.
 */
@FunctionalInterface
public interface PacketInSink {
    /**
     * @param reason      translator-control.md 3
     * @param frame       the whole Ethernet frame
     * @param ingressPort 1 for packets from the network, 255 for packets the translator made or the controller sent
     */
    boolean packetIn(int reason, byte[] frame, int ingressPort);

    PacketInSink NONE = (reason, frame, port) -> false;
}

package net.dta.translator.p4runtime;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import net.dta.p4.BinaryStrings;
import net.dta.translator.dataplane.PacketInSink;
import p4.v1.P4RuntimeOuterClass.PacketIn;
import p4.v1.P4RuntimeOuterClass.PacketMetadata;
import p4.v1.P4RuntimeOuterClass.StreamMessageResponse;

/**
 * PacketIns from the data plane to the primary controller's StreamChannel: the data-plane thread
 * only queues (never blocks on gRPC flow control; a full queue drops and the data plane counts it),
 * this pump's own thread sends. Nothing is queued while no client is primary.
 */
final class PacketInPump implements PacketInSink, AutoCloseable {
    private static final int QUEUE = 4096;

    private final Arbitration arbitration;
    private final int ingressPortMetadataId;
    private final int reasonMetadataId;
    private final BlockingQueue<PacketIn> queue = new ArrayBlockingQueue<>(QUEUE);
    private final Thread thread;
    private volatile boolean open = true;

    PacketInPump(Arbitration arbitration, int ingressPortMetadataId, int reasonMetadataId) {
        this.arbitration = arbitration;
        this.ingressPortMetadataId = ingressPortMetadataId;
        this.reasonMetadataId = reasonMetadataId;
        this.thread = new Thread(this::pump, "dta-p4rt-packet-in");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    @Override
    public boolean packetIn(int reason, byte[] frame, int ingressPort) {
        if (arbitration.primary() == null) {
            return false;
        }
        PacketIn p = PacketIn.newBuilder().setPayload(ByteString.copyFrom(frame))
                .addMetadata(PacketMetadata.newBuilder().setMetadataId(ingressPortMetadataId).setValue(BinaryStrings.canonical(ingressPort)))
                .addMetadata(PacketMetadata.newBuilder().setMetadataId(reasonMetadataId).setValue(BinaryStrings.canonical(reason)))
                .build();
        return queue.offer(p);
    }

    private void pump() {
        while (open) {
            try {
                PacketIn p = queue.poll(100, TimeUnit.MILLISECONDS);
                if (p != null) {
                    arbitration.sendToPrimary(StreamMessageResponse.newBuilder().setPacket(p).build());
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        open = false;
        thread.interrupt();
    }
}

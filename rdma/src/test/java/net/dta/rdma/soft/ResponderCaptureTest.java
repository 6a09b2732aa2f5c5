package net.dta.rdma.soft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import net.dta.rdma.cm.CmAttribute;
import net.dta.rdma.cm.CmPacket;
import net.dta.testkit.ExternalTools;
import net.dta.testkit.Pcap;

/**
 * The responder's replies as they crossed loopback (captured by a raw-socket requester, so with
 * the IPv4 header the kernel transmitted), decoded by tshark with the expected fields and their
 * ICRCs recomputed by Scapy: independent checks of our wire format.
 */
class ResponderCaptureTest extends LoopbackFixture {
    // Per test: raw sockets see every packet, so a responder of another test (or build) must not share it.
    private final String address = net.dta.testkit.Loopback.uniqueSubnet() + "1";

    @BeforeEach
    void requireTools() {
        net.dta.testkit.RawSockets.require();
        ExternalTools.requireTshark();
        ExternalTools.requireScapy();
    }

    @Override
    boolean raw() {
        return true;
    }

    @Override
    String collectorAddress() {
        return address;
    }

    @Test
    void shouldEmitRepliesThatTsharkDecodesAndScapyChecks(@TempDir Path dir) throws Exception {
        start(true);
        List<byte[]> captured = new ArrayList<>();
        nextRepPsn = 0x100; // the REP announces 0x100: the requester sends from there (the REQ's 0x5000 is its receive PSN)
        List<byte[]> rep = requester.connect(0x103, 0x5000, 1024, CM_PORT, 0x4242);
        captured.addAll(rep);
        CmPacket cm = TestRequester.parseCm(rep.getFirst());
        assertEquals(CmAttribute.REP, cm.attributeId());
        int qpn = cm.rep().localQpn();
        int rkey = region.rkeys()[0];
        requester.writeOnly(qpn, 0x100, true, region.va(), rkey, bytes(8, 1));   // ACK 0x100, MSN 1
        requester.fetchAdd(qpn, 0x101, region.va() + 8, rkey, 5);                 // ATOMIC ACK 0x101, MSN 2
        requester.read(qpn, 0x102, region.va(), rkey, 16);                        // READ Response Only 0x102, MSN 3
        requester.writeOnly(qpn, 0x110, true, region.va(), rkey, bytes(8, 1));   // gap: NAK PSN, expects 0x103
        requester.flush();
        captured.addAll(requester.receive(4, 3000));
        requester.writeOnly(qpn, 0x103, true, region.va(), rkey + 7, bytes(8, 1)); // NAK remote access
        requester.flush();
        captured.addAll(requester.receive(1, 3000));
        assertEquals(6, captured.size());

        Path pcap = Pcap.write(dir.resolve("replies.pcap"), captured);
        List<String> rows = ExternalTools.tsharkFields(pcap, "infiniband.bth.opcode", "infiniband.bth.destqp",
                "infiniband.bth.psn", "infiniband.aeth.syndrome", "infiniband.aeth.msn", "udp.dstport", "ip.id",
                "ip.flags.df");
        assertEquals(List.of(
                "100|0x000001|0|||4791|0x0000|1",
                "17|0x000103|256|31|1|4791|0x0000|1",
                "18|0x000103|257|31|2|4791|0x0000|1",
                "16|0x000103|258|31|3|4791|0x0000|1",
                "17|0x000103|259|96|3|4791|0x0000|1",
                "17|0x000103|259|98|3|4791|0x0000|1"), rows);
        String verbose = ExternalTools.tsharkVerbose(pcap);
        assertFalse(verbose.contains("Malformed"), "tshark flags nothing as malformed");
        List<String> icrc = ExternalTools.scapyIcrcCheck(pcap);
        assertEquals(List.of("ok", "ok", "ok", "ok", "ok", "ok"), icrc);
    }
}

package net.dta.rdma.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;
import net.dta.packetio.wire.EthernetHeader;
import net.dta.packetio.wire.Ipv4Header;
import net.dta.packetio.wire.UdpHeader;

/** Round trips and fixed bytes of every header flyweight (big-endian on the wire). */
class HeaderFlyweightTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void shouldWriteBthFieldsAtTheirOffsets() {
        byte[] b = new byte[Bth.LENGTH];
        new Bth().wrap(MemorySegment.ofArray(b), 0).opcode(0x0A).flags(0).pkey(0xFFFF).fecnBecn(0).destQp(0x123456)
                .ackRequest(true).psn(0xABCDEF);
        assertArrayEquals(hex("0a00ffff 00123456 80abcdef"), b);
        Bth bth = new Bth().wrap(MemorySegment.ofArray(b), 0);
        assertEquals(0x123456, bth.destQp());
        assertEquals(0xABCDEF, bth.psn());
        assertTrue(bth.ackRequest());
    }

    @Test
    void shouldWriteRethAtomicEthAethAndAtomicAck() {
        byte[] b = new byte[16];
        new Reth().wrap(MemorySegment.ofArray(b), 0).virtualAddress(0x0102030405060708L).rkey(0xA1B2C3D4).dmaLength(0xFFFFFFFFL);
        assertArrayEquals(hex("0102030405060708 a1b2c3d4 ffffffff"), b);
        assertEquals(0xFFFFFFFFL, new Reth().wrap(MemorySegment.ofArray(b), 0).dmaLength());
        assertEquals(0xA1B2C3D4, new Reth().wrap(MemorySegment.ofArray(b), 0).rkey());

        byte[] a = new byte[28];
        new AtomicEth().wrap(MemorySegment.ofArray(a), 0).virtualAddress(8).rkey(1).swapAdd(-1).compare(2);
        assertArrayEquals(hex("0000000000000008 00000001 ffffffffffffffff 0000000000000002"), a);

        byte[] k = new byte[12];
        new Aeth().wrap(MemorySegment.ofArray(k), 0).syndrome(0x60).msn(0x010203);
        new AtomicAckEth().wrap(MemorySegment.ofArray(k), 4).originalData(0x1122334455667788L);
        assertArrayEquals(hex("60010203 1122334455667788"), k);

        byte[] d = hex("ffffffffffffffff");
        new Deth().wrap(MemorySegment.ofArray(d), 0).qkey(Deth.GSI_QKEY).sourceQp(1);
        assertArrayEquals(hex("80010000 00000001"), d);
    }

    @Test
    void shouldWriteEthernetIpAndUdp() {
        byte[] b = new byte[42];
        MemorySegment s = MemorySegment.ofArray(b);
        new EthernetHeader().wrap(s, 0).destination(0x020000000002L).source(0x020000000001L).etherType(0x0800);
        new Ipv4Header().wrap(s, 14).versionIhl(0x45).totalLength(0x44).flagsFragment(0x4000).ttl(64).protocol(17)
                .source(0x0A000001).destination(0x0A000002).updateChecksum();
        new UdpHeader().wrap(s, 34).sourcePort(0xC103).destinationPort(4791).length(0x30);
        assertArrayEquals(hex("020000000002 020000000001 0800 4500 0044 0000 4000 4011 26a7 0a000001 0a000002"
                + "c103 12b7 0030 0000"), b);
        assertTrue(new Ipv4Header().wrap(s, 14).checksumValid());
        assertEquals(0x020000000001L, new EthernetHeader().wrap(s, 0).source());
    }
}

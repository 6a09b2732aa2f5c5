package net.dta.controller.p4runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.Map;

import net.dta.p4.BinaryStrings;
import net.dta.p4.P4InfoFiles;
import net.dta.p4.P4InfoIndex;
import net.dta.p4.TranslatorP4Names;
import org.junit.jupiter.api.Test;
import p4.v1.P4RuntimeOuterClass.FieldMatch;
import p4.v1.P4RuntimeOuterClass.PacketOut;
import p4.v1.P4RuntimeOuterClass.TableEntry;

import static net.dta.p4.TranslatorP4Names.*;

class P4EntitiesTest {
    private final P4Entities v1 = new P4Entities(new P4InfoIndex(P4InfoFiles.translatorV1model()));
    private final P4Entities tna = new P4Entities(new P4InfoIndex(P4InfoFiles.translatorTna()));

    @Test
    void shouldPadValuesToTheirWidthAndRefuseValuesThatDoNotFit() {
        assertEquals(ByteString.copyFrom(new byte[] {0, 0, 1, 3}), BinaryStrings.padded(0x103, 32, "x"));
        assertEquals(ByteString.copyFrom(new byte[] {1, 0}), BinaryStrings.padded(256, 9, "port"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v1.table(QUEUE_PAIRS)
                .exact(F_COLLECTOR, 256).action(SET_QUEUE_PAIR).build());
        assertTrue(e.getMessage().contains("Ingress.dta_queue_pairs.collector: 256 does not fit in 8 bits"), e.getMessage());
        assertEquals(-1L, BinaryStrings.decode(BinaryStrings.padded(-1L, 64, "va")));
    }

    @Test
    void shouldTreatPaddedAndCanonicalValuesAsTheSameEntry() {
        TableEntry padded = v1.table(STORES).exact(F_STORE_ID, 1).action(UNKNOWN_STORE).build();
        TableEntry canonical = padded.toBuilder().setMatch(0, FieldMatch.newBuilder().setFieldId(padded.getMatch(0).getFieldId())
                .setExact(FieldMatch.Exact.newBuilder().setValue(ByteString.copyFrom(new byte[] {1})))).build();
        assertEquals(P4Entities.EntryKey.of(padded), P4Entities.EntryKey.of(canonical));
        assertTrue(P4Entities.sameAction(padded, canonical));
    }

    @Test
    void shouldResolveTnaNamesBySuffixAndSayWhatWasMeantOtherwise() {
        assertEquals(tna.index().tableId("pipe.Ingress.dta_regions"), tna.tableId(REGIONS));
        TableEntry lpm = tna.table(IPV4_ROUTES).lpm(F_DST_ADDR, 0x0A000000L, 8).action(DROP).build();
        assertEquals(8, lpm.getMatch(0).getLpm().getPrefixLen());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v1.table("Ingress.dta_store"));
        assertTrue(e.getMessage().contains("did you mean"), e.getMessage());
        assertEquals(0, v1.table(IPV4_ROUTES).lpm(F_DST_ADDR, 0, 0).action(DROP).build().getMatchCount(), "a /0 is a wildcard");
    }

    @Test
    void shouldCarryTheEgressPortInPacketOuts() {
        PacketOut p = v1.packetOut(new byte[] {1, 2, 3}, Map.of(TranslatorP4Names.M_EGRESS_PORT, 0L));
        assertEquals(1, p.getMetadataCount());
        assertEquals(2, p.getMetadata(0).getValue().size());
        assertEquals(3, p.getPayload().size());
    }
}

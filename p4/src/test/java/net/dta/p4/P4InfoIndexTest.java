package net.dta.p4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.dta.p4.TranslatorP4Names;
import org.junit.jupiter.api.Test;
import p4.config.v1.P4InfoOuterClass.P4Info;

class P4InfoIndexTest {
    private final P4InfoIndex v1model = new P4InfoIndex(P4InfoFiles.translatorV1model());
    private final P4InfoIndex tna = new P4InfoIndex(P4InfoFiles.translatorTna());

    @Test
    void shouldResolveExactNamesAndUniqueSuffixes() {
        assertEquals("Ingress.dta_stores", v1model.table(TranslatorP4Names.STORES).getPreamble().getName());
        assertEquals("pipe.Ingress.dta_stores", tna.table(TranslatorP4Names.STORES).getPreamble().getName());
        assertEquals(v1model.tableId("Ingress.dta_stores"), v1model.tableId("dta_stores"));
        assertEquals(tna.registerId("pipe.Ingress.dta_next_psn"), tna.registerId(TranslatorP4Names.REG_NEXT_PSN));
    }

    @Test
    void shouldNameTheClosestObjectsOnAMiss() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v1model.table("Ingress.dta_store"));
        assertTrue(e.getMessage().contains("no table named 'Ingress.dta_store'"), e.getMessage());
        assertTrue(e.getMessage().contains("did you mean Ingress.dta_stores"), e.getMessage());
        IllegalArgumentException param = assertThrows(IllegalArgumentException.class,
                () -> v1model.actionParam(TranslatorP4Names.SET_REGION, "vaddr"));
        assertTrue(param.getMessage().contains("did you mean va"), param.getMessage());
    }

    @Test
    void shouldRefuseAnAmbiguousSuffix() {
        P4Info info = P4InfoFiles.parse("""
                tables { preamble { id: 33554433 name: "a.Ingress.t" } }
                tables { preamble { id: 33554434 name: "b.Ingress.t" } }
                """, "test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new P4InfoIndex(info).table("Ingress.t"));
        assertTrue(e.getMessage().contains("ambiguous table name 'Ingress.t'"), e.getMessage());
    }

    @Test
    void shouldGiveActionParametersWithTheirWidths() {
        assertEquals(64, v1model.actionParam(TranslatorP4Names.SET_REGION, TranslatorP4Names.P_VA).getBitwidth());
        assertEquals(2, tna.actionParam(TranslatorP4Names.SET_REGION, TranslatorP4Names.P_RKEY).getId());
        assertEquals(16, v1model.packetMetadataField(TranslatorP4Names.PACKET_OUT, TranslatorP4Names.M_EGRESS_PORT)
                .getBitwidth());
        assertEquals(TranslatorP4Names.F_BUCKET, v1model.matchField(TranslatorP4Names.COLLECTOR_SELECT, "bucket").getName());
    }

    @Test
    void shouldSkipFieldsTheP4RuntimeClassesDoNotKnow() {
        P4Info info = P4InfoFiles.parse("""
                pkg_info { arch: "v1model" }
                tables {
                  preamble { id: 33554433 name: "Ingress.t" alias: "t" }
                  initial_default_action { action_id: 16777217 }
                  size: 1
                }
                """, "newer p4c");
        assertEquals(1, new P4InfoIndex(info).table("t").getSize());
    }

    @Test
    void shouldReportAMissingResource() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> P4InfoFiles.load("net/dta/p4/none.p4info.txtpb"));
        assertTrue(e.getMessage().contains("net/dta/p4/none.p4info.txtpb"), e.getMessage());
    }
}

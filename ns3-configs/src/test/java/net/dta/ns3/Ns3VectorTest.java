package net.dta.ns3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import net.dta.testkit.RepoPaths;

/**
 * The ns-3 model's protocol code against protocol.md section 10, which the C++ program parses from
 * the document itself: hashes, every translation vector's frames byte for byte, the memory they
 * leave and the query answers. A change of the protocol that the C++ header does not follow fails here.
 */
class Ns3VectorTest {
    @Test
    void cppModelPassesEveryVectorOfProtocolMd() {
        Ns3.Result r = Ns3.run(List.of(Ns3.programs().resolve("dta-vectors").toString(), RepoPaths.protocolDoc().toString()), 120);
        assertEquals(0, r.exitCode(), "dta-vectors failed:\n" + r.stdout() + r.stderr());
        assertTrue(r.stdout().lines().noneMatch(l -> l.startsWith("FAIL")), r.stdout());
        // hashes, five primitives' frames, memory and queries: a vacuous run (no vectors found) is not a pass
        long checks = r.stdout().lines().filter(l -> l.startsWith("ok")).count();
        assertTrue(checks >= 40, "only " + checks + " checks ran:\n" + r.stdout());
    }
}

package net.dta.protocol.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Any bytes: the checks never throw, and a report they accept can be read completely
 * within its datagram. Seeds: src/test/resources/.../ReportFuzzTestInputs/anyBytes.
 */
class ReportFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void anyBytes(byte[] datagram) {
        Report r = new Report().wrap(MemorySegment.ofArray(datagram), 0, datagram.length);
        DropReason reason = StoreChecks.checkLimits(r);
        if (reason != DropReason.NONE) {
            return;
        }
        assertTrue(r.reportLength() <= datagram.length);
        switch (r.opcode()) {
            case Report.OPCODE_KEY_WRITE -> {
                byte[] key = new byte[16];
                byte[] value = new byte[r.valueLength()];
                r.copyKey(key);
                r.copyValue(value);
                assertTrue(r.redundancy() <= 8);
            }
            case Report.OPCODE_KEY_INCREMENT -> r.delta();
            case Report.OPCODE_POSTCARD -> assertTrue(r.hop() < 8 && r.pathLength() <= 8);
            case Report.OPCODE_APPEND -> r.appendValue();
            case Report.OPCODE_SKETCH_MERGE -> {
                for (int j = 0; j < r.count(); j++) {
                    r.sketchDelta(j);
                }
            }
            default -> throw new AssertionError("accepted unknown opcode " + r.opcode());
        }
    }
}

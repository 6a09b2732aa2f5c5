package net.dta.controller.it.diff;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import net.dta.controller.p4runtime.P4RuntimeException;

/**
 * Runs the same steps on the software translator and on BMv2 and compares what they send: the
 * frames of a scenario as one stream each (so that BMv2's lazy flush or probe, which comes out with
 * the next report instead of at the timer, lines up with the software's timed one), byte for byte,
 * and registers and counters where a step sends nothing (replies). Every difference is recorded
 * with the scenario and step; {@link #differences()} lists them.
 */
public final class Differ {
    private final SoftwareDiffTarget software;
    private final Bmv2DiffTarget bmv2;
    private final List<String> differences = new ArrayList<>();
    private final List<byte[]> softwareStream = new ArrayList<>();
    private final List<byte[]> bmv2Stream = new ArrayList<>();
    private final List<String> stepOfFrame = new ArrayList<>();
    private String scenario = "";
    private long scenarioStart;
    private int step;
    private long framesCompared;

    public Differ(SoftwareDiffTarget software, Bmv2DiffTarget bmv2) {
        this.software = software;
        this.bmv2 = bmv2;
    }

    public SoftwareDiffTarget software() {
        return software;
    }

    public Bmv2DiffTarget bmv2() {
        return bmv2;
    }

    /** Starts a scenario (the previous one must have ended). */
    public void begin(String name) {
        scenario = name;
        scenarioStart = System.nanoTime();
        step = 0;
    }

    /** One report to both; returns the software's frames (for the test to answer). */
    public List<byte[]> report(byte[] payload) throws Exception {
        step++;
        List<byte[]> sw = software.report(payload, 0);
        List<byte[]> hw = bmv2.report(payload, sw.size());
        record(sw, hw, "report " + HexFormat.of().formatHex(payload, 0, Math.min(8, payload.length)));
        return sw;
    }

    /**
     * Several reports sent to BMv2 back to back (without waiting for its frames in between); the
     * software gets them one by one with {@code gapNanos} of its clock between them.
     */
    public List<byte[]> burst(List<byte[]> payloads, long gapNanos, int bmv2FramesExpected) throws Exception {
        step++;
        List<byte[]> sw = new ArrayList<>();
        for (int i = 0; i < payloads.size(); i++) {
            if (i > 0 && gapNanos > 0) {
                sw.addAll(software.idle(gapNanos));
            }
            sw.addAll(software.report(payloads.get(i), 0));
        }
        List<byte[]> hw = bmv2.burst(payloads, bmv2FramesExpected);
        record(sw, hw, "burst of " + payloads.size());
        return sw;
    }

    /** A frame from the collector (ACK, NAK, READ response) to both. */
    public List<byte[]> reply(byte[] frame) throws Exception {
        step++;
        List<byte[]> sw = software.reply(frame, 0);
        List<byte[]> hw = bmv2.reply(frame, sw.size());
        record(sw, hw, "reply opcode 0x" + Integer.toHexString(frame[42] & 0xFF));
        return sw;
    }

    /** Time passes: the software runs its timers at once, BMv2 (no timers) waits for real. */
    public List<byte[]> idle(long nanos) throws Exception {
        step++;
        List<byte[]> sw = software.idle(nanos);
        List<byte[]> hw = bmv2.idle(nanos);
        record(sw, hw, "idle " + nanos / 1_000_000 + " ms");
        return sw;
    }

    private void record(List<byte[]> sw, List<byte[]> hw, String what) {
        softwareStream.addAll(sw);
        bmv2Stream.addAll(hw);
        while (stepOfFrame.size() < Math.max(softwareStream.size(), bmv2Stream.size())) {
            stepOfFrame.add("step " + step + " (" + what + ")");
        }
    }

    /** Ends the scenario: both frame streams must be equal byte for byte. */
    public void end() throws Exception {
        bmv2Stream.addAll(bmv2.idle(200_000_000L)); // anything BMv2 still had in flight
        int n = Math.max(softwareStream.size(), bmv2Stream.size());
        for (int i = 0; i < n; i++) {
            byte[] s = i < softwareStream.size() ? softwareStream.get(i) : null;
            byte[] b = i < bmv2Stream.size() ? bmv2Stream.get(i) : null;
            if (s == null || b == null || !java.util.Arrays.equals(s, b)) {
                differences.add(scenario + ": frame " + i + " of " + (i < stepOfFrame.size() ? stepOfFrame.get(i) : "the end")
                        + " differs (software " + softwareStream.size() + " frames, BMv2 " + bmv2Stream.size() + ")\n  software "
                        + RoceText.describe(s) + "\n  BMv2     " + RoceText.describe(b));
                break;
            }
            framesCompared++;
        }
        System.out.printf("differential scenario \"%s\": %d steps, %d frames from the software translator, %d from BMv2, %.1f s%n",
                scenario, step, softwareStream.size(), bmv2Stream.size(), (System.nanoTime() - scenarioStart) / 1e9);
        softwareStream.clear();
        bmv2Stream.clear();
        stepOfFrame.clear();
    }

    /** A register cell must be equal on both. */
    public long sameRegister(String register, long index) throws P4RuntimeException {
        long s = software.register(register, index);
        long b = bmv2.register(register, index);
        if (s != b) {
            differences.add(scenario + " after step " + step + ": " + register + "[" + index + "] software " + s + " (0x"
                    + Long.toHexString(s) + "), BMv2 " + b + " (0x" + Long.toHexString(b) + ")");
        }
        return s;
    }

    /** The packet counts of every cell of a counter must be equal on both. */
    public void sameCounter(String counter) throws P4RuntimeException {
        Map<Long, Long> s = software.counters(counter);
        Map<Long, Long> b = bmv2.counters(counter);
        if (!s.equals(b)) {
            differences.add(scenario + ": counter " + counter + " (index=packets) software " + s + ", BMv2 " + b);
        }
    }

    /** Notes a difference found by the test itself. */
    public void difference(String text) {
        differences.add(scenario + ": " + text);
    }

    public List<String> differences() {
        return differences;
    }

    public long framesCompared() {
        return framesCompared;
    }
}

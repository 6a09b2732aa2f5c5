package net.dta.reporter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;

import net.dta.protocol.Bytes;
import net.dta.protocol.UdpFrame;
import net.dta.protocol.hash.DtaHash;
import net.dta.protocol.layout.AppendLayout;
import net.dta.protocol.layout.PostcardLayout;
import net.dta.protocol.report.Report;
import net.dta.protocol.report.ReportEncoder;
import net.dta.packetio.ChannelOptions;
import net.dta.packetio.PacketBatch;
import net.dta.packetio.UdpPacketChannel;

/**
 * Sends DTA reports (protocol.md 2) to a translator over UDP, batched with sendmmsg.
 *
 * <pre>{@code
 * try (DtaReporter r = DtaReporter.open(ReporterOptions.parse("10.0.0.1:40040"))) {
 *     r.keyWrite(1, key, 42);                          // 4-byte value, store's default redundancy
 *     r.keyIncrement(2, key, 1500);                    // bytes of a flow
 *     r.postcard(3, flowKey, hop, 5, switchId << 24 | queueDepth);
 *     r.append(4, 0, dropReason);
 *     r.sketchMerge(5, row, column, deltas);           // up to 16 counters
 *     r.flush();                                       // or let the batch fill up
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> One instance per sending thread: the report methods, {@link #flush()} and
 * {@link #close()} must be called by one thread at a time (the owner). {@link #counters()} may be
 * read from any thread while the owner sends. Several instances (one per thread, each with its own
 * socket) are how a process sends faster than one sendmmsg loop.
 *
 * <p><b>Batching.</b> Reports are encoded straight into a native batch of {@code batchSize} slots
 * ({@link ReporterOptions}) and sent when it is full, on {@link #flush()} and on {@link #close()}.
 * A report therefore waits until one of these happens: call {@link #flush()} after a burst, or use
 * {@code batchSize = 1} to send each report at once.
 *
 * <p><b>Cost.</b> No allocation per report: the batch, its frame headers and the scratch value
 * are allocated once. Arguments are checked before anything is encoded; a bad one throws
 * {@link IllegalArgumentException} naming the field, and nothing is queued.
 *
 * <p><b>Errors.</b> A datagram the kernel refuses is counted in {@link ReporterCounters#sendErrors()}
 * and logged once; it never throws.
 */
public final class DtaReporter implements AutoCloseable {
    private static final int SLOT_BYTES = 128;
    /** Nothing is received on a reporter's socket: the smallest buffer the channel takes. */
    private static final int RECEIVE_BUFFER = 4096;

    private final ReporterOptions options;
    private final UdpPacketChannel channel;
    private final PacketBatch batch;
    private final MemorySegment frames;
    private final int capacity;
    private final int[] pendingPerPrimitive = new int[Primitive.values().length];
    private final int[] flushedPerPrimitive = new int[Primitive.values().length];
    private final byte[] value4 = new byte[4];
    private final ReporterCounters counters = new ReporterCounters();
    private int pending;
    private long pendingBytes;
    private boolean closed;

    private DtaReporter(ReporterOptions options, UdpPacketChannel channel, PacketBatch batch) {
        this.options = options;
        this.channel = channel;
        this.batch = batch;
        this.frames = batch.segment();
        this.capacity = batch.capacity();
        for (int i = 0; i < capacity; i++) {
            // The channel sends each frame's UDP payload to the IPv4 destination and UDP port written
            // in the frame: the same for every report, so written once.
            long frame = batch.frameOffset(i);
            Bytes.u32(frames, frame + Frames.IPV4_DESTINATION_OFFSET, options.destination() & 0xFFFF_FFFFL);
            Bytes.u16(frames, frame + Frames.UDP_DESTINATION_PORT_OFFSET, options.port());
        }
    }

    /** Opens a UDP socket bound to the options' bind address (any port). */
    public static DtaReporter open(ReporterOptions options) throws IOException {
        UdpPacketChannel channel = UdpPacketChannel.open(options.bindAddress(), 0,
                new ChannelOptions(RECEIVE_BUFFER, options.sendBufferBytes(), 100));
        try {
            return new DtaReporter(options, channel, new PacketBatch(options.batchSize(), SLOT_BYTES));
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public ReporterOptions options() {
        return options;
    }

    /** The local UDP port reports leave from. */
    public int localPort() {
        return channel.port();
    }

    /** Counters, readable from any thread. */
    public ReporterCounters counters() {
        return counters;
    }

    /** Reports encoded and not sent yet. */
    public int pending() {
        return pending;
    }

    // ------------------------------------------------------------------ Key-Write

    /** Key-Write of a 4-byte value (big-endian) with the store's default redundancy. */
    public void keyWrite(int store, byte[] key, int value) {
        keyWrite(store, key, value, 0);
    }

    /** Key-Write of a 4-byte value (big-endian) into {@code redundancy} slots (0 = the store's default, 1..8). */
    public void keyWrite(int store, byte[] key, int value, int redundancy) {
        value4[0] = (byte) (value >>> 24);
        value4[1] = (byte) (value >>> 16);
        value4[2] = (byte) (value >>> 8);
        value4[3] = (byte) value;
        keyWrite(store, key, value4, redundancy);
    }

    /** Key-Write of a 4-, 12- or 28-byte value with the store's default redundancy. */
    public void keyWrite(int store, byte[] key, byte[] value) {
        keyWrite(store, key, value, 0);
    }

    /**
     * Key-Write (protocol.md 2.3, opcode 1).
     *
     * @param value      4, 12 or 28 bytes: the store's slot size minus 4
     * @param redundancy slots written, 1..8, or 0 for the store's default
     */
    public void keyWrite(int store, byte[] key, byte[] value, int redundancy) {
        checkStore(store);
        checkKey(key, "key");
        if (value == null || (value.length != 4 && value.length != 12 && value.length != 28)) {
            throw new IllegalArgumentException("value: Key-Write values are 4, 12 or 28 bytes, got "
                    + (value == null ? "none" : value.length + " bytes"));
        }
        checkRedundancy(redundancy);
        int length = ReportEncoder.keyWrite(frames, slot(), store, redundancy, key, value);
        queued(Primitive.KEY_WRITE, length);
    }

    // ------------------------------------------------------------------ Key-Increment

    /** Key-Increment of every counter row of the store (redundancy 0, what protocol.md recommends). */
    public void keyIncrement(int store, byte[] key, long delta) {
        keyIncrement(store, key, delta, 0);
    }

    /**
     * Key-Increment (opcode 2): adds {@code delta} (modulo 2^64) to the key's counters.
     *
     * @param redundancy counter rows updated, 1..8, or 0 for all of the store's rows
     */
    public void keyIncrement(int store, byte[] key, long delta, int redundancy) {
        checkStore(store);
        checkKey(key, "key");
        checkRedundancy(redundancy);
        int length = ReportEncoder.keyIncrement(frames, slot(), store, redundancy, key, delta);
        queued(Primitive.KEY_INCREMENT, length);
    }

    // ------------------------------------------------------------------ Postcard

    /**
     * Postcard (opcode 3): the telemetry of hop {@code hop} of the flow's path.
     *
     * @param hop        0 = first switch; less than {@code pathLength}
     * @param pathLength hops of this flow's path, 1..8, or 0 for the store's hops
     * @param value      the hop's value, e.g. {@code switchId << 24 | queueDepth}
     */
    public void postcard(int store, byte[] flowKey, int hop, int pathLength, int value) {
        checkStore(store);
        checkKey(flowKey, "flow key");
        if (pathLength < 0 || pathLength > PostcardLayout.MAX_HOPS) {
            throw new IllegalArgumentException("path length: must be 1.." + PostcardLayout.MAX_HOPS
                    + " hops, or 0 for the store's hops, got " + pathLength);
        }
        if (hop < 0 || hop >= (pathLength == 0 ? PostcardLayout.MAX_HOPS : pathLength)) {
            throw new IllegalArgumentException("hop: must be 0.." + ((pathLength == 0 ? PostcardLayout.MAX_HOPS : pathLength) - 1)
                    + (pathLength == 0 ? "" : " (below the path length " + pathLength + ")") + ", got " + hop);
        }
        int length = ReportEncoder.postcard(frames, slot(), store, hop, pathLength, flowKey, value);
        queued(Primitive.POSTCARD, length);
    }

    // ------------------------------------------------------------------ Append

    /**
     * Append (opcode 4): adds {@code value} to list {@code list} of the store.
     *
     * @param list 0..2^24-1, below the store's list count
     */
    public void append(int store, long list, int value) {
        checkStore(store);
        if (list < 0 || list >= AppendLayout.MAX_LISTS) {
            throw new IllegalArgumentException("list: must be 0.." + (AppendLayout.MAX_LISTS - 1) + ", got " + list);
        }
        int length = ReportEncoder.append(frames, slot(), store, list, value);
        queued(Primitive.APPEND, length);
    }

    // ------------------------------------------------------------------ Sketch-Merge

    /** Sketch-Merge of all of {@code deltas} (1..16 counters). */
    public void sketchMerge(int store, int row, long column, int[] deltas) {
        sketchMerge(store, row, column, deltas, deltas == null ? 0 : deltas.length);
    }

    /**
     * Sketch-Merge (opcode 5): adds {@code deltas[0..count)} (unsigned 32-bit) to counters
     * {@code column .. column+count-1} of sketch row {@code row}. The counters must not cross a
     * 16-column boundary: {@code (column mod 16) + count <= 16}.
     */
    public void sketchMerge(int store, int row, long column, int[] deltas, int count) {
        checkStore(store);
        if (row < 0 || row >= DtaHash.MAX_REPLICAS) {
            throw new IllegalArgumentException("row: sketch rows are 0.." + (DtaHash.MAX_REPLICAS - 1) + ", got " + row);
        }
        if (column < 0 || column >= 1L << 29) {
            throw new IllegalArgumentException("column: must be 0..2^29-1, got " + column);
        }
        if (deltas == null || count < 1 || count > Report.MAX_SKETCH_COUNTERS || count > deltas.length) {
            throw new IllegalArgumentException("deltas: a Sketch-Merge report carries 1.." + Report.MAX_SKETCH_COUNTERS
                    + " counters, got " + (deltas == null ? "none" : count + (count > deltas.length ? " of " + deltas.length : "")));
        }
        if ((column & 15) + count > 16) {
            throw new IllegalArgumentException("column: counters " + column + ".." + (column + count - 1)
                    + " cross a 16-column boundary ((column mod 16) + count must be <= 16)");
        }
        int length = ReportEncoder.sketchMerge(frames, slot(), store, row, column, deltas, count);
        queued(Primitive.SKETCH_MERGE, length);
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends every pending report (one sendmmsg, or a few if the kernel takes part of the batch);
     * returns how many the kernel accepted. Never throws for a send error: it is counted.
     */
    public int flush() {
        ensureOpen();
        if (pending == 0) {
            return 0;
        }
        int count = pending;
        int accepted = channel.send(batch, count);
        System.arraycopy(pendingPerPrimitive, 0, flushedPerPrimitive, 0, flushedPerPrimitive.length);
        java.util.Arrays.fill(pendingPerPrimitive, 0);
        long bytes = pendingBytes;
        pending = 0;
        pendingBytes = 0;
        counters.flushed(flushedPerPrimitive, accepted, count - accepted, bytes);
        return accepted;
    }

    /** Sends what is pending, then closes the socket. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            flush();
        } finally {
            closed = true;
            channel.close();
            batch.close();
        }
    }

    private long slot() {
        ensureOpen();
        return batch.frameOffset(pending) + UdpFrame.PAYLOAD_OFFSET;
    }

    private void queued(Primitive primitive, int length) {
        batch.length(pending, UdpFrame.PAYLOAD_OFFSET + length);
        pending++;
        pendingBytes += length;
        pendingPerPrimitive[primitive.ordinal()]++;
        if (pending == capacity) {
            flush();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this DtaReporter is closed");
        }
    }

    private static void checkStore(int store) {
        if (store < 1 || store > 0xFFFF) {
            throw new IllegalArgumentException("store: store ids are 1..65535 (0 is reserved), got " + store);
        }
    }

    private static void checkKey(byte[] key, String field) {
        if (key == null || key.length != DtaHash.KEY_BYTES) {
            throw new IllegalArgumentException(field + ": DTA keys are 16 bytes (pad shorter keys with zeros, see Keys.pad), got "
                    + (key == null ? "none" : key.length + " bytes"));
        }
    }

    private static void checkRedundancy(int redundancy) {
        if (redundancy < 0 || redundancy > DtaHash.MAX_REPLICAS) {
            throw new IllegalArgumentException("redundancy: must be 0 (the store's default) to " + DtaHash.MAX_REPLICAS + ", got " + redundancy);
        }
    }

    /** Wraps an {@link IOException} of {@link #open} for callers that cannot throw it. */
    public static DtaReporter openUnchecked(ReporterOptions options) {
        try {
            return open(options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

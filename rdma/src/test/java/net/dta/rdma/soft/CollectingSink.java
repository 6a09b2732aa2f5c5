package net.dta.rdma.soft;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/** A reply sink for engine-level tests: every committed frame is copied out. */
final class CollectingSink implements ReplySink {
    private final MemorySegment buffer = Arena.ofAuto().allocate(8192, 64);
    final List<byte[]> frames = new ArrayList<>();

    @Override
    public MemorySegment segment() {
        return buffer;
    }

    @Override
    public long claim() {
        return 0;
    }

    @Override
    public void commit(int frameLength) {
        frames.add(buffer.asSlice(0, frameLength).toArray(ValueLayout.JAVA_BYTE));
    }

    List<byte[]> take() {
        List<byte[]> out = List.copyOf(frames);
        frames.clear();
        return out;
    }
}

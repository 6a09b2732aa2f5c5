package net.dta.collector.store;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * Asks the kernel to back a store file's mapping with 2 MiB pages, and reads back how much of it
 * is (docs/collector.md, "Huge pages"). A Key-Write get or a Key-Increment read is a few random
 * loads into a store of up to many GiB: on 4 KiB pages each is a TLB miss with a page walk (a
 * nested one in a VM); one 2 MiB page covers 512 of them.
 *
 * <p>{@code madvise(MADV_HUGEPAGE)} on a shared file mapping lets the page cache allocate 2 MiB
 * folios on faults and map them with one PMD entry, where the file system supports large folios
 * (ext4 and XFS on recent kernels; this machine's 6.18 does) and transparent huge pages are
 * {@code madvise} or {@code always} in {@code /sys/kernel/mm/transparent_hugepage/enabled}. The
 * kernel aligns file mappings of 2 MiB or more to 2 MiB itself. Elsewhere the advice is a no-op:
 * 4 KiB pages, as before. Nothing to configure; {@code never} in that sysfs file turns it off for
 * the machine, {@code -Ddta.huge-pages=false} (in {@code DTA_JAVA_OPTS}) for one process.
 */
public final class HugePages {
    private static final int MADV_HUGEPAGE = 14;
    private static final long HUGE_PAGE = 2L << 20;
    private static final Path SMAPS = Path.of("/proc/self/smaps");
    private static final Path THP_ENABLED = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final MethodHandle MADVISE = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().findOrThrow("madvise"),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));

    private static final boolean ENABLED = !"false".equals(System.getProperty("dta.huge-pages"));

    private HugePages() {
    }

    /**
     * Advises huge pages for a mapping (a whole store file); smaller mappings are left alone.
     *
     * @return whether the kernel took the advice (false: no THP support, or a mapping under 2 MiB)
     */
    public static boolean advise(MemorySegment mapping) {
        if (!ENABLED || mapping.byteSize() < HUGE_PAGE) {
            return false;
        }
        try {
            return (int) MADVISE.invokeExact(mapping, mapping.byteSize(), MADV_HUGEPAGE) == 0;
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * Bytes of the mapping that starts at {@code mapping}'s address which the kernel maps with
     * 2 MiB entries now ({@code FilePmdMapped + ShmemPmdMapped + AnonHugePages} of its
     * {@code /proc/self/smaps} entry); 0 when it is not found.
     */
    public static long mappedBytes(MemorySegment mapping) throws IOException {
        String start = HexFormat.of().toHexDigits(mapping.address()).replaceFirst("^0+(?=.)", "") + "-";
        List<String> lines = Files.readAllLines(SMAPS);
        long bytes = 0;
        boolean inside = false;
        for (String line : lines) {
            if (isRangeLine(line)) {
                inside = line.startsWith(start);
                continue;
            }
            if (inside && (line.startsWith("FilePmdMapped:") || line.startsWith("ShmemPmdMapped:") || line.startsWith("AnonHugePages:"))) {
                bytes += kilobytes(line) * 1024;
            }
        }
        return bytes;
    }

    /** The kernel's transparent huge page mode ("always", "madvise", "never"), or "unavailable". */
    public static String kernelMode() {
        try {
            String s = Files.readString(THP_ENABLED);
            int open = s.indexOf('[');
            int close = s.indexOf(']');
            return open >= 0 && close > open ? s.substring(open + 1, close) : s.strip();
        } catch (IOException e) {
            return "unavailable";
        }
    }

    /** "7f12a4000000-7f12a8000000 rw-s ..." starts an entry; field lines are "Name:   value kB". */
    private static boolean isRangeLine(String line) {
        int dash = line.indexOf('-');
        int space = line.indexOf(' ');
        return dash > 0 && space > dash && line.substring(0, dash).chars().allMatch(c -> Character.digit(c, 16) >= 0);
    }

    private static long kilobytes(String line) {
        String[] parts = line.trim().split("\\s+");
        return parts.length >= 2 ? Long.parseLong(parts[1]) : 0;
    }
}

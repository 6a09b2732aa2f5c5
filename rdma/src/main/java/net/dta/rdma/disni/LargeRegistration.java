package net.dta.rdma.disni;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import com.ibm.disni.verbs.IbvPd;
import com.ibm.disni.verbs.impl.NatObject;

import net.dta.rdma.endpoint.RdmaException;

/**
 * Registers a memory segment that does not fit DiSNI's {@code regMr(long, int, int)}: a full
 * 2^31-byte segment (protocol.md 4.1) is one byte more than an int. It calls libibverbs'
 * {@code ibv_reg_mr(pd, addr, size_t length, access)} through {@code java.lang.foreign} on the
 * protection domain DiSNI allocated ({@link NatObject#getObjId()} is the native
 * {@code struct ibv_pd *}), and reads the rkey from the returned {@code struct ibv_mr}.
 */
@SuppressWarnings("restricted") // native access is this class's job; the JVM runs with --enable-native-access
final class LargeRegistration {
    /** struct ibv_mr: context*, pd*, addr*, size_t length, u32 handle, u32 lkey, u32 rkey. */
    private static final long MR_RKEY_OFFSET = 40;
    private static final long MR_SIZE = 48;

    private final MethodHandle regMr;
    private final MethodHandle deregMr;

    private LargeRegistration(MethodHandle regMr, MethodHandle deregMr) {
        this.regMr = regMr;
        this.deregMr = deregMr;
    }

    static LargeRegistration load() throws RdmaException {
        try {
            SymbolLookup verbs = SymbolLookup.libraryLookup("libibverbs.so.1", Arena.global());
            Linker linker = Linker.nativeLinker();
            MethodHandle reg = linker.downcallHandle(verbs.findOrThrow("ibv_reg_mr"), FunctionDescriptor.of(
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                    ValueLayout.JAVA_INT));
            MethodHandle dereg = linker.downcallHandle(verbs.findOrThrow("ibv_dereg_mr"),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
            return new LargeRegistration(reg, dereg);
        } catch (IllegalArgumentException | java.util.NoSuchElementException e) {
            throw new RdmaException("registering a 2^31-byte segment needs libibverbs.so.1 (rdma-core): " + e.getMessage(),
                    e);
        }
    }

    /** Registers {@code length} bytes at {@code address}; returns the native ibv_mr (its rkey via {@link #rkey}). */
    MemorySegment register(IbvPd pd, long address, long length, int access) throws RdmaException {
        if (!(pd instanceof NatObject nat)) {
            throw new RdmaException("DiSNI's protection domain is not a native object: cannot register directly");
        }
        MemorySegment mr;
        try {
            mr = (MemorySegment) regMr.invokeExact(MemorySegment.ofAddress(nat.getObjId()),
                    MemorySegment.ofAddress(address), length, access);
        } catch (Throwable t) {
            throw new RdmaException("ibv_reg_mr failed: " + t, t);
        }
        if (mr.address() == 0) {
            throw new RdmaException("ibv_reg_mr refused " + length + " bytes at 0x" + Long.toHexString(address)
                    + " (memlock limit? ulimit -l unlimited)");
        }
        return mr.reinterpret(MR_SIZE);
    }

    static int rkey(MemorySegment mr) {
        return mr.get(ValueLayout.JAVA_INT, MR_RKEY_OFFSET);
    }

    void deregister(MemorySegment mr) {
        try {
            int ignored = (int) deregMr.invokeExact(mr);
        } catch (Throwable t) {
            // Deregistration at shutdown: nothing more to do than not crash.
        }
    }
}

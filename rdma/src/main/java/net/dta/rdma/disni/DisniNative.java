package net.dta.rdma.disni;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import com.ibm.disni.verbs.RdmaEventChannel;

import net.dta.rdma.endpoint.RdmaException;

/**
 * Finds out, before anything else, whether DiSNI can run here, so that a missing piece becomes
 * one {@link RdmaException} naming what to install instead of an {@link UnsatisfiedLinkError}
 * deep in a call. DiSNI's jar has no native part: {@code libdisni.so} is built from DiSNI's
 * source against rdma-core and put on {@code java.library.path}; it needs an RDMA device.
 */
final class DisniNative {
    static final String INSTALL = "build DiSNI 2.0's native library (libdisni.so, from the DiSNI sources: "
            + "./autoprep.sh && ./configure --with-jdk=$JAVA_HOME && make install) against rdma-core "
            + "(apt-get install rdma-core libibverbs-dev librdmacm-dev), put it on java.library.path "
            + "(-Djava.library.path=/usr/local/lib), and run on a host with an RDMA NIC "
            + "(ibv_devices must list it)";

    private DisniNative() {
    }

    /** Opens an RDMA CM event channel, or says precisely what is missing. */
    static RdmaEventChannel openEventChannel() throws RdmaException {
        try {
            return RdmaEventChannel.createEventChannel();
        } catch (LinkageError e) {
            // UnsatisfiedLinkError (no libdisni.so), ExceptionInInitializerError or NoClassDefFoundError (a
            // previous attempt failed while DiSNI's classes initialised).
            throw new RdmaException("DiSNI cannot load its native library (" + e + "): " + INSTALL
                    + deviceHint(), e);
        } catch (IOException | RuntimeException e) {
            throw new RdmaException("DiSNI cannot open an RDMA CM event channel (" + e.getMessage() + "): "
                    + "is rdma_cm loaded and an RDMA device present?" + deviceHint(), e);
        }
    }

    /** What /sys says about RDMA devices, to make the message actionable. */
    static String deviceHint() {
        Path sys = Path.of("/sys/class/infiniband");
        if (!Files.isDirectory(sys)) {
            return "; this kernel exposes no RDMA devices (/sys/class/infiniband is missing: no RDMA NIC or driver)";
        }
        try (Stream<Path> devices = Files.list(sys)) {
            String names = devices.map(p -> p.getFileName().toString()).sorted().reduce((a, b) -> a + ", " + b)
                    .orElse("");
            return names.isEmpty() ? "; /sys/class/infiniband lists no RDMA device" : "; RDMA devices: " + names;
        } catch (IOException e) {
            return "";
        }
    }
}

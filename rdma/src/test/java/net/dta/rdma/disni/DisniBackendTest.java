package net.dta.rdma.disni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.ibm.disni.verbs.IbvMr;

import net.dta.rdma.endpoint.Access;
import net.dta.rdma.endpoint.RdmaException;

/**
 * Without libdisni.so or an RDMA device (this machine, CI), opening the DiSNI backend fails with an
 * {@link RdmaException} that names what to install, every time, and never crashes the JVM.
 */
class DisniBackendTest {
    @Test
    void shouldFailCleanlyNamingWhatToInstallWhenDisniCannotRun() throws Exception {
        Assumptions.assumeFalse(hasRdmaDeviceAndDisni(), "an RDMA device and libdisni are present: nothing to test");
        for (int attempt = 0; attempt < 2; attempt++) { // the second attempt meets DiSNI's failed class init
            RdmaException e = assertThrows(RdmaException.class,
                    () -> DisniBackend.open(DisniConfig.of(InetAddress.getByName("127.0.0.1"),
                            net.dta.rdma.cm.CmPolicy.withSecret(net.dta.testkit.TestCmSecret.bytes()))));
            assertTrue(e.getMessage().contains("libdisni.so"), e.getMessage());
            assertTrue(e.getMessage().contains("rdma-core"), e.getMessage());
            assertTrue(e.getMessage().contains("RDMA"), e.getMessage());
        }
    }

    @Test
    void shouldMapAccessRightsToVerbsFlagsWithLocalWriteWhereRequired() {
        assertEquals(IbvMr.IBV_ACCESS_REMOTE_READ, DisniBackend.accessFlags(EnumSet.of(Access.REMOTE_READ)));
        assertEquals(IbvMr.IBV_ACCESS_REMOTE_WRITE | IbvMr.IBV_ACCESS_LOCAL_WRITE,
                DisniBackend.accessFlags(EnumSet.of(Access.REMOTE_WRITE)));
        assertEquals(IbvMr.IBV_ACCESS_REMOTE_ATOMIC | IbvMr.IBV_ACCESS_LOCAL_WRITE | IbvMr.IBV_ACCESS_REMOTE_READ,
                DisniBackend.accessFlags(EnumSet.of(Access.REMOTE_ATOMIC, Access.REMOTE_READ)));
        assertEquals(1, IbvMr.IBV_ACCESS_LOCAL_WRITE);
        assertEquals(8, IbvMr.IBV_ACCESS_REMOTE_ATOMIC);
    }

    private static boolean hasRdmaDeviceAndDisni() {
        boolean device = Files.isDirectory(Path.of("/sys/class/infiniband"));
        boolean library = System.getProperty("java.library.path", "").contains("disni");
        return device && library;
    }
}

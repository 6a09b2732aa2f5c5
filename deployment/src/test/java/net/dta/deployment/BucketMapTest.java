package net.dta.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class BucketMapTest {
    private static final List<CollectorSpec> THREE = List.of(
            new CollectorSpec("a", 0, 1, 1, 40041, 1024, null, null, null),
            new CollectorSpec("b", 7, 2, 2, 40041, 1024, null, null, null),
            new CollectorSpec("c", 3, 3, 3, 40041, 1024, null, null, null));

    @Test
    void shouldSpreadBucketsModuloTheCollectorCountInListOrder() {
        BucketMap m = BucketMap.spread(9, THREE);
        for (int b = 0; b < 256; b++) {
            assertSame(THREE.get(b % 3), m.collector(b));
        }
        assertEquals(7, m.collectorIndex(1));
        assertEquals(86, m.bucketsOf(THREE.get(0)));
        assertEquals(85, m.bucketsOf(THREE.get(2)));
    }

    @Test
    void shouldRouteKeysListsAndColumnsAsProtocolSection8Says() {
        BucketMap m = BucketMap.spread(1, THREE);
        // protocol.md 10.1: the vector key's bucket is 0x3d = 61; 61 mod 3 = 1.
        byte[] key = HexFormat.of().parseHex("0a0000010a0000021f90005006000000");
        assertEquals(0x3d, BucketMap.bucketOfKey(key));
        assertSame(THREE.get(1), m.collectorForKey(key));
        assertEquals(0x34, BucketMap.bucketOfList(0x1234));
        assertSame(THREE.get(0x34 % 3), m.collectorForList(0x1234));
        assertEquals(0x23, BucketMap.bucketOfColumn(0x1234));
        assertEquals(0xFF, BucketMap.bucketOfColumn(0xFFF));
        assertEquals(0, BucketMap.bucketOfColumn(0x1000));
        assertSame(THREE.get(0x23 % 3), m.collectorForColumn(0x1234));
    }

    @Test
    void shouldAnswerTheSameThroughTheDeployment() throws Exception {
        Deployment d = DeploymentLoader.parse("d.yaml", new StringReader(DeploymentLoaderTest.MINIMAL), Path.of("."), null);
        byte[] key = HexFormat.of().parseHex("0a0000010a0000021f90005006000000");
        StoreSpec s = d.store("queue-depth").orElseThrow();
        assertEquals("c2", d.collectorForKey(s, key).name());
        assertEquals("c1", d.collectorForList(s, 2).name());
        assertEquals("c2", d.collectorForColumn(s, 16).name());
        assertEquals(List.of(d.collector("c1").orElseThrow(), d.collector("c2").orElseThrow()), d.bucketMap(s).collectors());
    }
}

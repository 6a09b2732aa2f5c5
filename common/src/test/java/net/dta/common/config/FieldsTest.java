package net.dta.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FieldsTest {
    private static Fields fields(String yaml, List<ConfigProblem> problems) {
        return Fields.of("t.yaml", "", new YamlTree("t.yaml", problems).parse(new StringReader(yaml)), problems);
    }

    @Test
    void hostPortAndIpv4AreParsedOrReportedWithTheirPlace() {
        List<ConfigProblem> problems = new ArrayList<>();
        Fields f = fields("a: 10.0.0.1:9559\nb: nope\nc: 10.1.2.3\nd: 10.1.2\n", problems);
        assertEquals(new HostPort("10.0.0.1", 9559), f.hostPort("a", "127.0.0.1:1"));
        assertEquals(new HostPort("127.0.0.1", 1), f.hostPort("b", "127.0.0.1:1"));
        assertEquals("10.1.2.3", f.ipv4("c", "127.0.0.1", "10.0.0.2").getHostAddress());
        assertEquals("127.0.0.1", f.ipv4("d", "127.0.0.1", "10.0.0.2").getHostAddress());
        assertEquals("127.0.0.1", f.ipv4("absent", "127.0.0.1", "10.0.0.2").getHostAddress());
        assertEquals(2, problems.size());
        assertTrue(problems.get(0).toString().startsWith("t.yaml:2:4: b: must be host:port"), problems.get(0).toString());
        assertTrue(problems.get(1).toString().startsWith("t.yaml:4:4: d: must be an IPv4 address like 10.0.0.2"), problems.get(1).toString());
    }
}

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

    @Test
    void everyConfigurationFileTakesTheSameDurationGrammar() {
        List<ConfigProblem> problems = new ArrayList<>();
        Fields f = fields("a: 500us\nb: 250 ms\nc: 2s\nd: 1m\ne: 5h\nf: 10us\n", problems);
        java.time.Duration min = java.time.Duration.ofNanos(1000);
        java.time.Duration max = java.time.Duration.ofMinutes(10);
        assertEquals(java.time.Duration.ofNanos(500_000), f.duration("a", null, min, max));
        assertEquals(java.time.Duration.ofMillis(250), f.duration("b", null, min, max));
        assertEquals(java.time.Duration.ofSeconds(2), f.duration("c", null, min, max));
        assertEquals(java.time.Duration.ofMinutes(1), f.duration("d", null, min, max));
        assertEquals(java.time.Duration.ofSeconds(7), f.duration("e", java.time.Duration.ofSeconds(7), min, max));
        assertEquals(java.time.Duration.ofSeconds(7),
                f.duration("f", java.time.Duration.ofSeconds(7), java.time.Duration.ofMillis(1), max));
        assertEquals(2, problems.size(), problems.toString());
        assertEquals("t.yaml:5:4: e: must be a duration like 500us, 1ms or 2s, between 1us and 600s, got \"5h\"",
                problems.get(0).toString());
        assertEquals("t.yaml:6:4: f: must be a duration like 500ms, 2s or 1m, between 1ms and 600s, got \"10us\"",
                problems.get(1).toString());
    }

    @Test
    void macsAndLongIntegersAreParsedOrReportedWithTheirPlace() {
        List<ConfigProblem> problems = new ArrayList<>();
        Fields f = fields("a: 02:00:0a:00:00:01\nb: 02-00-0A-00-00-02\nc: 02:00:0a:00:01\nd: 9223372036854775807\ne: -1\n",
                problems);
        assertEquals(0x02000a000001L, f.mac("a", 0, "02:00:00:00:00:01"));
        assertEquals(0x02000a000002L, f.mac("b", 0, "02:00:00:00:00:01"));
        assertEquals(7, f.mac("c", 7, "02:00:00:00:00:01"));
        assertEquals(Long.MAX_VALUE, f.longInteger("d", 1L, 0, Long.MAX_VALUE));
        assertEquals(1, f.longInteger("e", 1L, 0, Long.MAX_VALUE));
        assertEquals(0, f.longInteger("absent", null, 0, 9));
        assertEquals(3, problems.size(), problems.toString());
        assertEquals("t.yaml:3:4: c: must be a MAC address like 02:00:00:00:00:01, got \"02:00:0a:00:01\"", problems.get(0).toString());
        assertTrue(problems.get(1).toString().startsWith("t.yaml:5:4: e: must be an integer 0..9223372036854775807"),
                problems.get(1).toString());
        assertTrue(problems.get(2).toString().endsWith("absent: missing; expected an integer 0..9"), problems.get(2).toString());
    }

    @Test
    void hostPortHasOneGrammar() {
        assertEquals(new HostPort("::1", 80), HostPort.parse("[::1]:80"));
        assertEquals(new HostPort("collector-1.example", 0), HostPort.parse("collector-1.example:0"));
        for (String bad : new String[] {"nope", ":80", "host:", "host:65536", "host:-1", "a b:80", "host:8x"}) {
            assertEquals(null, HostPort.parse(bad), bad);
        }
    }
}

package net.dta.p4;

import java.util.List;
import java.util.Map;
import net.dta.p4.TranslatorP4Names.Field;
import net.dta.p4.TranslatorP4Names.Table;

/**
 * Every P4Runtime name of the reporter pipeline (p4/reporter, docs/p4.md section "Reporter"), in
 * one place; a test checks this class against the reporter's P4Info files.
 *
 * <p>Names are the v1model ones; on TNA the P4Info prefixes tables and counters with
 * {@code pipe.}, and name lookup accepts a unique {@code .name} suffix.
 */
public final class ReporterP4Names {
    private ReporterP4Names() {
    }

    // Tables
    public static final String IPV4_ROUTES = "Ingress.ipv4_routes";
    public static final String REPORTER = "Egress.dta_reporter";
    public static final String FLOWS = "Egress.dta_flows";

    // Match fields
    public static final String F_DST_ADDR = "dst_addr";
    public static final String F_SRC_ADDR = "src_addr";
    public static final String F_PROTOCOL = "protocol";
    public static final String F_SRC_PORT = "src_port";
    public static final String F_DST_PORT = "dst_port";

    // Actions and their parameters
    public static final String FORWARD = "Ingress.forward";
    public static final String DROP = "Ingress.drop";
    public static final String SET_REPORTER = "Egress.set_reporter";
    public static final String MONITOR_FLOW = "Egress.monitor_flow";
    public static final String NO_MONITOR = "Egress.no_monitor";

    public static final String P_PORT = "port";
    public static final String P_SRC_MAC = "src_mac";
    public static final String P_DST_MAC = "dst_mac";
    public static final String P_SWITCH_ID = "switch_id";
    public static final String P_REPORTER_IP = "reporter_ip";
    public static final String P_TRANSLATOR_IP = "translator_ip";
    public static final String P_EVENTS_STORE = "events_store";
    public static final String P_EVENTS_LIST = "events_list";
    public static final String P_CONGESTION_THRESHOLD = "congestion_threshold";
    public static final String P_POSTCARD_STORE = "postcard_store";
    public static final String P_HOP = "hop";
    public static final String P_PATH_LEN = "path_len";
    public static final String P_QUEUE_STORE = "queue_store";
    public static final String P_BYTES_STORE = "bytes_store";
    public static final String P_SAMPLE_LOG2 = "sample_log2";

    // Counters
    public static final String CTR_REPORTS_SENT = "Egress.dta_reports_sent";

    /** The clone (mirror) session whose replica port leads to the translator. */
    public static final int REPORT_SESSION = 501;

    /** Append event codes (the high byte of an event's value). */
    public static final int EVENT_DROP = 1;
    public static final int EVENT_CONGESTION = 2;

    public static final List<Table> TABLES = List.of(
            new Table(IPV4_ROUTES, List.of(new Field(F_DST_ADDR, 32)), List.of("lpm"), List.of(FORWARD, DROP)),
            new Table(REPORTER, List.of(), List.of(), List.of(SET_REPORTER)),
            new Table(FLOWS, List.of(new Field(F_SRC_ADDR, 32), new Field(F_DST_ADDR, 32), new Field(F_PROTOCOL, 8),
                    new Field(F_SRC_PORT, 16), new Field(F_DST_PORT, 16)),
                    List.of("ternary", "ternary", "ternary", "ternary", "ternary"), List.of(MONITOR_FLOW, NO_MONITOR)));

    /** Action parameters, in declaration order. */
    public static final Map<String, List<Field>> ACTION_PARAMS = Map.of(
            FORWARD, List.of(new Field(P_PORT, 9), new Field(P_SRC_MAC, 48), new Field(P_DST_MAC, 48)),
            DROP, List.of(),
            SET_REPORTER, List.of(new Field(P_SWITCH_ID, 32), new Field(P_REPORTER_IP, 32), new Field(P_TRANSLATOR_IP, 32),
                    new Field(P_SRC_MAC, 48), new Field(P_DST_MAC, 48), new Field(P_EVENTS_STORE, 16),
                    new Field(P_EVENTS_LIST, 32), new Field(P_CONGESTION_THRESHOLD, 32)),
            MONITOR_FLOW, List.of(new Field(P_POSTCARD_STORE, 16), new Field(P_HOP, 8), new Field(P_PATH_LEN, 8),
                    new Field(P_QUEUE_STORE, 16), new Field(P_BYTES_STORE, 16), new Field(P_SAMPLE_LOG2, 8)),
            NO_MONITOR, List.of());

    /** Counters: name to size (indexed by report step: 1 postcard, 2 queue depth, 3 bytes, 4 event). */
    public static final Map<String, Integer> COUNTERS = Map.of(CTR_REPORTS_SENT, 8);
}

package net.dta.p4;

import java.util.List;
import java.util.Map;

/**
 * Every P4Runtime name of the translator pipeline (docs/translator-control.md), in one place:
 * the controller and the software translator take names only from here, and a test checks this
 * class against the P4Info files of p4/translator/.
 *
 * <p>Names are the v1model ones; on TNA the P4Info prefixes them with {@code pipe.}, and name
 * lookup accepts a unique {@code .name} suffix.
 */
public final class TranslatorP4Names {
    private TranslatorP4Names() {
    }

    // Tables
    public static final String STORES = "Ingress.dta_stores";
    public static final String COLLECTOR_SELECT = "Ingress.dta_collector_select";
    public static final String QUEUE_PAIRS = "Ingress.dta_queue_pairs";
    public static final String REGIONS = "Ingress.dta_regions";
    public static final String LOCAL_ADDRESSES = "Ingress.dta_local_addresses";
    public static final String IPV4_ROUTES = "Ingress.ipv4_routes";
    public static final String SETTINGS = "Ingress.dta_settings";

    // Match fields
    public static final String F_STORE_ID = "store_id";
    public static final String F_BUCKET = "bucket";
    public static final String F_COLLECTOR = "collector";
    public static final String F_SEGMENT = "segment";
    public static final String F_DST_ADDR = "dst_addr";

    // Actions and their parameters
    public static final String SET_KEY_WRITE_STORE = "Ingress.set_key_write_store";
    public static final String SET_KEY_INCREMENT_STORE = "Ingress.set_key_increment_store";
    public static final String SET_POSTCARD_STORE = "Ingress.set_postcard_store";
    public static final String SET_APPEND_STORE = "Ingress.set_append_store";
    public static final String SET_SKETCH_STORE = "Ingress.set_sketch_store";
    public static final String UNKNOWN_STORE = "Ingress.unknown_store";
    public static final String SET_COLLECTOR = "Ingress.set_collector";
    public static final String NO_COLLECTOR = "Ingress.no_collector";
    public static final String SET_QUEUE_PAIR = "Ingress.set_queue_pair";
    public static final String QUEUE_PAIR_DOWN = "Ingress.queue_pair_down";
    public static final String SET_REGION = "Ingress.set_region";
    public static final String NO_REGION = "Ingress.no_region";
    public static final String LOCAL_ADDRESS = "Ingress.local_address";
    public static final String FORWARD = "Ingress.forward";
    public static final String SEND_TO_CPU = "Ingress.send_to_cpu";
    public static final String DROP = "Ingress.drop";
    public static final String SET_SETTINGS = "Ingress.set_settings";
    public static final String NO_ACTION = "NoAction";

    public static final String P_LOG2_SLOTS = "log2_slots";
    public static final String P_SLOT_BYTES = "slot_bytes";
    public static final String P_DEFAULT_REDUNDANCY = "default_redundancy";
    public static final String P_ROWS = "rows";
    public static final String P_LOG2_COLUMNS = "log2_columns";
    public static final String P_LOG2_ROWS = "log2_rows";
    public static final String P_HOPS = "hops";
    public static final String P_ROW_BYTES = "row_bytes";
    public static final String P_LISTS = "lists";
    public static final String P_LOG2_ENTRIES = "log2_entries";
    public static final String P_BATCH = "batch";
    public static final String P_TAIL_BASE = "tail_base";
    public static final String P_COLLECTOR = "collector";
    public static final String P_COLLECTOR_IP = "collector_ip";
    public static final String P_TRANSLATOR_IP = "translator_ip";
    public static final String P_REMOTE_QPN = "remote_qpn";
    public static final String P_VA = "va";
    public static final String P_RKEY = "rkey";
    public static final String P_PORT = "port";
    public static final String P_SRC_MAC = "src_mac";
    public static final String P_DST_MAC = "dst_mac";
    public static final String P_ACK_INTERVAL_LOG2 = "ack_interval_log2";
    public static final String P_FLUSH_INTERVAL_US = "flush_interval_us";
    public static final String P_PROBE_INTERVAL_MS = "probe_interval_ms";

    // Registers and counters
    public static final String REG_NEXT_PSN = "Ingress.dta_next_psn";
    public static final String REG_LAST_ACKED_PSN = "Ingress.dta_last_acked_psn";
    public static final String REG_QP_UP = "Ingress.dta_qp_up";
    public static final String REG_LOST_PACKETS = "Ingress.dta_lost_packets";
    public static final String REG_APPEND_TAIL = "Ingress.dta_append_tail";
    public static final String CTR_REPORTS = "Ingress.dta_reports";
    public static final String CTR_DROPS = "Ingress.dta_drops";
    public static final String CTR_QP_SENT = "Ingress.dta_qp_sent";
    public static final String CTR_QP_ACKS = "Ingress.dta_qp_acks";
    public static final String CTR_QP_NAKS = "Ingress.dta_qp_naks";
    public static final String CTR_QP_RESYNCS = "Ingress.dta_qp_resyncs";
    public static final String CTR_QP_PROBES = "Ingress.dta_qp_probes";

    // Controller packet metadata
    public static final String PACKET_IN = "packet_in";
    public static final String PACKET_OUT = "packet_out";
    public static final String M_INGRESS_PORT = "ingress_port";
    public static final String M_REASON = "reason";
    public static final String M_EGRESS_PORT = "egress_port";

    /** PacketIn reasons (translator-control.md section 3). */
    public static final int REASON_CM_MAD = 1;
    public static final int REASON_READ_RESPONSE = 2;
    public static final int REASON_QUEUE_PAIR_ERROR = 3;
    public static final int REASON_QUEUE_PAIR_TIMEOUT = 4;
    public static final int REASON_UNKNOWN_QUEUE_PAIR = 5;
    public static final int REASON_TO_CPU = 6;

    /** The clone session the hardware programs loop reports through (translator-control.md 5). */
    public static final int LOOP_CLONE_SESSION = 500;

    public static final int CPU_PORT = 255;
    public static final int NETWORK_PORT = 1;
    /** The translator's QPN towards collector c is BASE_QPN + c. */
    public static final int BASE_QPN = 0x000100;
    public static final int MAX_COLLECTORS = 256;

    /** A match field or action parameter: name and bit width. */
    public record Field(String name, int bits) {
    }

    /** A table: its match fields (with match kind) and its actions. */
    public record Table(String name, List<Field> matchFields, List<String> matchKinds, List<String> actions) {
    }

    /** The tables the controller writes, with the widths and match kinds of translator-control.md. */
    public static final List<Table> TABLES = List.of(
            new Table(STORES, List.of(new Field(F_STORE_ID, 16)), List.of("exact"),
                    List.of(SET_KEY_WRITE_STORE, SET_KEY_INCREMENT_STORE, SET_POSTCARD_STORE, SET_APPEND_STORE,
                            SET_SKETCH_STORE, UNKNOWN_STORE)),
            new Table(COLLECTOR_SELECT, List.of(new Field(F_STORE_ID, 16), new Field(F_BUCKET, 8)),
                    List.of("exact", "exact"), List.of(SET_COLLECTOR, NO_COLLECTOR)),
            new Table(QUEUE_PAIRS, List.of(new Field(F_COLLECTOR, 8)), List.of("exact"),
                    List.of(SET_QUEUE_PAIR, QUEUE_PAIR_DOWN)),
            new Table(REGIONS, List.of(new Field(F_COLLECTOR, 8), new Field(F_STORE_ID, 16), new Field(F_SEGMENT, 8)),
                    List.of("exact", "exact", "exact"), List.of(SET_REGION, NO_REGION)),
            new Table(LOCAL_ADDRESSES, List.of(new Field(F_DST_ADDR, 32)), List.of("exact"),
                    List.of(LOCAL_ADDRESS, NO_ACTION)),
            new Table(IPV4_ROUTES, List.of(new Field(F_DST_ADDR, 32)), List.of("lpm"),
                    List.of(FORWARD, SEND_TO_CPU, DROP)),
            new Table(SETTINGS, List.of(), List.of(), List.of(SET_SETTINGS)));

    /** Action parameters, in declaration order. */
    public static final Map<String, List<Field>> ACTION_PARAMS = Map.ofEntries(
            Map.entry(SET_KEY_WRITE_STORE, List.of(new Field(P_LOG2_SLOTS, 8), new Field(P_SLOT_BYTES, 8),
                    new Field(P_DEFAULT_REDUNDANCY, 8))),
            Map.entry(SET_KEY_INCREMENT_STORE, List.of(new Field(P_ROWS, 8), new Field(P_LOG2_COLUMNS, 8))),
            Map.entry(SET_POSTCARD_STORE, List.of(new Field(P_LOG2_ROWS, 8), new Field(P_HOPS, 8), new Field(P_ROW_BYTES, 8))),
            Map.entry(SET_APPEND_STORE, List.of(new Field(P_LISTS, 32), new Field(P_LOG2_ENTRIES, 8), new Field(P_BATCH, 8),
                    new Field(P_TAIL_BASE, 32))),
            Map.entry(SET_SKETCH_STORE, List.of(new Field(P_ROWS, 8), new Field(P_LOG2_COLUMNS, 8))),
            Map.entry(UNKNOWN_STORE, List.of()),
            Map.entry(SET_COLLECTOR, List.of(new Field(P_COLLECTOR, 8))),
            Map.entry(NO_COLLECTOR, List.of()),
            Map.entry(SET_QUEUE_PAIR, List.of(new Field(P_COLLECTOR_IP, 32), new Field(P_TRANSLATOR_IP, 32),
                    new Field(P_REMOTE_QPN, 24))),
            Map.entry(QUEUE_PAIR_DOWN, List.of()),
            Map.entry(SET_REGION, List.of(new Field(P_VA, 64), new Field(P_RKEY, 32))),
            Map.entry(NO_REGION, List.of()),
            Map.entry(LOCAL_ADDRESS, List.of()),
            Map.entry(NO_ACTION, List.of()),
            Map.entry(FORWARD, List.of(new Field(P_PORT, 9), new Field(P_SRC_MAC, 48), new Field(P_DST_MAC, 48))),
            Map.entry(SEND_TO_CPU, List.of()),
            Map.entry(DROP, List.of()),
            Map.entry(SET_SETTINGS, List.of(new Field(P_ACK_INTERVAL_LOG2, 8), new Field(P_FLUSH_INTERVAL_US, 32),
                    new Field(P_PROBE_INTERVAL_MS, 16))));

    /** Registers: name to (size, width). */
    public static final Map<String, Field> REGISTERS = Map.of(
            REG_NEXT_PSN, new Field("256", 32),
            REG_LAST_ACKED_PSN, new Field("256", 32),
            REG_QP_UP, new Field("256", 8),
            REG_LOST_PACKETS, new Field("256", 32),
            REG_APPEND_TAIL, new Field("65536", 32));

    /** Counters: name to size. */
    public static final Map<String, Integer> COUNTERS = Map.of(
            CTR_REPORTS, 8,
            CTR_DROPS, 16,
            CTR_QP_SENT, 256,
            CTR_QP_ACKS, 256,
            CTR_QP_NAKS, 1024,
            CTR_QP_RESYNCS, 256,
            CTR_QP_PROBES, 256);

    /** Controller packet metadata: header name to fields. */
    public static final Map<String, List<Field>> PACKET_METADATA = Map.of(
            PACKET_IN, List.of(new Field(M_INGRESS_PORT, 16), new Field(M_REASON, 8)),
            PACKET_OUT, List.of(new Field(M_EGRESS_PORT, 16)));
}

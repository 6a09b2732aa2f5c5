/*
 * DTA translator for Tofino (TNA).
 *
 * The same translation as translator_v1model.p4 (docs/protocol.md sections 5 and 6) and the same
 * control interface (docs/translator-control.md; P4Info names carry the "pipe." prefix), written
 * with Tofino's externs: RegisterAction for every piece of state, Hash units for the key CRC
 * and the tags (protocol section 3). docs/p4.md lists what differs from BMv2 and from the
 * software translator.
 *
 * A pass emits at most one request. When a report needs more (N replicas, N rows, up to 16
 * Sketch-Merge counters, a postcard eviction, an Append flush, a probe), the ingress deparser
 * mirrors the original report (mirror session LOOP_SESSION, whose port the controller sets to the
 * pipe's recirculation port) with a mirror header holding the plan; egress turns that header
 * into a loop header behind an Ethernet header of type ETHERTYPE_DTA_LOOP, and the copy comes
 * back to ingress for the next step.
 */
#include <core.p4>
#include <tna.p4>
#include "../include/dta_headers.p4"

/* The CPU (PCIe) port of the target: 64 on 2-pipe Tofino 1 switches, 192 on 4-pipe ones. */
#ifndef CPU_PORT
#define CPU_PORT 64
#endif
#define LOOP_SESSION 500
#define PC_CACHE_LOG2 15
#define PC_CACHE_SIZE 32768
#define AP_LISTS 65536

const bit<16> ETHERTYPE_DTA_LOOP = 0x88B5;
const bit<8> BRIDGE_NORMAL = 1;
const bit<8> BRIDGE_LOOP = 2;
const MirrorType_t MIRROR_LOOP = 1;

@controller_header("packet_in")
header packet_in_h {
    bit<16> ingress_port;
    bit<8>  reason;
}

@controller_header("packet_out")
header packet_out_h {
    bit<16> egress_port;
}

/* Ingress to egress, before the Ethernet header of every unicast packet. */
header bridge_h {
    bit<8>  kind;
    bit<8>  cpu_reason;
    bit<16> ingress_port;
}

/* The plan of a report's remaining steps: the mirror header of a loop copy, then (in the packet
 * that comes back) the loop header after an Ethernet header of type ETHERTYPE_DTA_LOOP. */
header loop_h {
    bit<8>  kind;
    bit<8>  step;
    bit<8>  data_steps;
    bit<8>  n;
    bit<1>  probe;
    bit<1>  pc_evict;
    bit<1>  ap_idle;
    bit<5>  reserved;
    bit<8>  reserved2;
    bit<16> inner_type;
    bit<32> ap_pos;
}

struct pair_t {
    bit<32> hi;
    bit<32> lo;
}

struct headers_t {
    bridge_h bridge;
    packet_out_h packet_out;
    packet_in_h packet_in;
    ethernet_h ethernet;
    loop_h loop;
    ipv4_h ipv4;
    udp_h udp;
    dta_base_h base;
    dta_key_write_h kw;
    dta_value4_h value4;
    dta_value12_h value12;
    dta_value28_h value28;
    dta_key_increment_h ki;
    dta_postcard_h pc;
    dta_append_h ap;
    dta_sketch_h sk;
    dta_delta_h[DTA_MAX_DELTAS] deltas;
    ib_bth_h bth;
    ib_reth_h reth;
    ib_atomic_eth_h atomic;
    ib_aeth_h aeth;
    ib_cell_h[DTA_MAX_CELLS] cells;
    ib_icrc_h icrc;
}

struct metadata_t {
    loop_h   plan;           /* the plan carried to the next step (mirror header) */
    bit<8>   cpu_reason;
    bit<32>  drop_reason;
    bit<1>   emit;
    bit<16>  subj_store;
    bit<128> subj_key;
    bit<8>   kind;
    bit<8>   log2_size;
    bit<8>   unit_bytes;
    bit<8>   default_n;
    bit<32>  lists;
    bit<8>   batch;
    bit<32>  tail_base;
    bit<8>   collector;
    bit<32>  collector_ip;
    bit<32>  translator_ip;
    bit<24>  remote_qpn;
    bit<64>  region_va;
    bit<32>  region_rkey;
    bit<8>   ack_log2;
    bit<32>  flush_us;
    bit<16>  probe_ms;
    bit<8>   segment;
    bit<64>  offset;
    bit<32>  index;
    bit<8>   cells;
    bit<32>  now_us;         /* global timestamp in units of 1024 ns */
}

struct egress_metadata_t {
    loop_h next_plan;
}

parser IngressParser(packet_in pkt, out headers_t hdr, out metadata_t meta,
                     out ingress_intrinsic_metadata_t ig_intr_md) {
    state start {
        pkt.extract(ig_intr_md);
        pkt.advance(PORT_METADATA_SIZE);
        meta.plan.setInvalid();
        transition select(ig_intr_md.ingress_port) {
            CPU_PORT: parse_packet_out;
            default: parse_ethernet;
        }
    }
    state parse_packet_out {
        pkt.extract(hdr.packet_out);
        transition parse_ethernet;
    }
    state parse_ethernet {
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.ether_type) {
            ETHERTYPE_IPV4: parse_ipv4;
            ETHERTYPE_DTA_LOOP: parse_loop;
            default: accept;
        }
    }
    state parse_loop {
        pkt.extract(hdr.loop);
        transition select(hdr.loop.inner_type) {
            ETHERTYPE_IPV4: parse_ipv4;
            default: accept;
        }
    }
    state parse_ipv4 {
        pkt.extract(hdr.ipv4);
        transition select(hdr.ipv4.ihl, hdr.ipv4.frag_offset, hdr.ipv4.protocol) {
            (5, 0, IP_PROTO_UDP): parse_udp;
            default: accept;
        }
    }
    state parse_udp {
        pkt.extract(hdr.udp);
        transition select(hdr.udp.dst_port) {
            DTA_REPORT_PORT: parse_dta;
            ROCEV2_PORT: parse_bth;
            default: accept;
        }
    }
    state parse_dta {
        pkt.extract(hdr.base);
        transition select(hdr.base.opcode) {
            DTA_OP_KEY_WRITE: parse_key_write;
            DTA_OP_KEY_INCREMENT: parse_key_increment;
            DTA_OP_POSTCARD: parse_postcard;
            DTA_OP_APPEND: parse_append;
            DTA_OP_SKETCH_MERGE: parse_sketch;
            default: accept;
        }
    }
    state parse_key_write {
        pkt.extract(hdr.kw);
        transition select(hdr.kw.value_len) {
            4: parse_value4;
            12: parse_value12;
            28: parse_value28;
            default: accept;
        }
    }
    state parse_value4 {
        pkt.extract(hdr.value4);
        transition accept;
    }
    state parse_value12 {
        pkt.extract(hdr.value12);
        transition accept;
    }
    state parse_value28 {
        pkt.extract(hdr.value28);
        transition accept;
    }
    state parse_key_increment {
        pkt.extract(hdr.ki);
        transition accept;
    }
    state parse_postcard {
        pkt.extract(hdr.pc);
        transition accept;
    }
    state parse_append {
        pkt.extract(hdr.ap);
        transition accept;
    }
    state parse_sketch {
        pkt.extract(hdr.sk);
        transition select(hdr.sk.count) {
            1 .. DTA_MAX_DELTAS: parse_delta0;
            default: accept;
        }
    }
    DTA_DELTA_STATES
    state parse_bth {
        pkt.extract(hdr.bth);
        transition select(hdr.bth.opcode) {
            IB_OP_ACKNOWLEDGE: parse_aeth;
            IB_OP_ATOMIC_ACKNOWLEDGE: parse_aeth;
            default: accept;
        }
    }
    state parse_aeth {
        pkt.extract(hdr.aeth);
        transition accept;
    }
}

control Ingress(inout headers_t hdr, inout metadata_t meta,
                in ingress_intrinsic_metadata_t ig_intr_md,
                in ingress_intrinsic_metadata_from_parser_t ig_prsr_md,
                inout ingress_intrinsic_metadata_for_deparser_t ig_dprsr_md,
                inout ingress_intrinsic_metadata_for_tm_t ig_tm_md) {

    /* ---- Control-plane state (translator-control.md section 2) ---- */
    Register<bit<32>, bit<32>>(256) dta_next_psn;
    Register<bit<32>, bit<32>>(256) dta_last_acked_psn;
    Register<bit<8>, bit<32>>(256) dta_qp_up;
    Register<bit<32>, bit<32>>(256) dta_lost_packets;
    Register<bit<32>, bit<32>>(AP_LISTS) dta_append_tail;

    Counter<bit<64>, bit<32>>(8, CounterType_t.PACKETS_AND_BYTES) dta_reports;
    Counter<bit<64>, bit<32>>(16, CounterType_t.PACKETS) dta_drops;
    Counter<bit<64>, bit<32>>(256, CounterType_t.PACKETS_AND_BYTES) dta_qp_sent;
    Counter<bit<64>, bit<32>>(256, CounterType_t.PACKETS) dta_qp_acks;
    Counter<bit<64>, bit<32>>(1024, CounterType_t.PACKETS) dta_qp_naks;
    Counter<bit<64>, bit<32>>(256, CounterType_t.PACKETS) dta_qp_resyncs;
    Counter<bit<64>, bit<32>>(256, CounterType_t.PACKETS) dta_qp_probes;

    /* ---- Internal state (docs/p4.md) ---- */
    Register<bit<32>, bit<32>>(256) qp_timer;
    Register<bit<8>, bit<32>>(256) qp_probes_out;
    /* Postcard cache entry: key words, store id ++ path length ++ hop bitmap, last postcard time,
     * and one (value, check) pair per hop. */
    Register<bit<32>, bit<32>>(PC_CACHE_SIZE) pc_key0;
    Register<bit<32>, bit<32>>(PC_CACHE_SIZE) pc_key1;
    Register<bit<32>, bit<32>>(PC_CACHE_SIZE) pc_key2;
    Register<bit<32>, bit<32>>(PC_CACHE_SIZE) pc_key3;
    Register<bit<32>, bit<32>>(PC_CACHE_SIZE) pc_info;
    Register<bit<32>, bit<32>>(PC_CACHE_SIZE) pc_time;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell0;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell1;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell2;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell3;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell4;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell5;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell6;
    Register<pair_t, bit<32>>(PC_CACHE_SIZE) pc_cell7;
    /* Append batch of list slot tail_base + list: entries held, time of the last append, values. */
    Register<bit<8>, bit<32>>(AP_LISTS) ap_count;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_time;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value0;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value1;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value2;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value3;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value4;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value5;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value6;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value7;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value8;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value9;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value10;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value11;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value12;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value13;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value14;
    Register<bit<32>, bit<32>>(AP_LISTS) ap_value15;

    /* Protocol section 3 (store format 2): one CRC-32 unit for the subject key (every replica
     * index and the bucket mix it in the ALUs), one for the postcard cache entry of the report's
     * flow key, and CRC-32 units for the tags (key rotated by one byte, plus the value). */
    Hash<bit<32>>(HashAlgorithm_t.CRC32) h_key;
    Hash<bit<32>>(HashAlgorithm_t.CRC32) h_cache;
    Hash<bit<32>>(HashAlgorithm_t.CRC32) h_tag4;
    Hash<bit<32>>(HashAlgorithm_t.CRC32) h_tag12;
    Hash<bit<32>>(HashAlgorithm_t.CRC32) h_tag28;
    Hash<bit<32>>(HashAlgorithm_t.CRC32) h_hop;

    /* ---- Register actions ---- */
    bit<32> psn_target = 0;
    RegisterAction<bit<32>, bit<32>, bit<32>>(dta_next_psn) psn_take = {
        void apply(inout bit<32> value, out bit<32> rv) {
            rv = value;
            value = (value + 1) & 0xFFFFFF;
        }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(dta_next_psn) psn_read = {
        void apply(inout bit<32> value, out bit<32> rv) {
            rv = value;
        }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(dta_next_psn) psn_set = {
        void apply(inout bit<32> value, out bit<32> rv) {
            rv = value;
            value = psn_target;
        }
    };
    bit<32> acked_target = 0;
    RegisterAction<bit<32>, bit<32>, bit<32>>(dta_last_acked_psn) acked_read = {
        void apply(inout bit<32> value, out bit<32> rv) {
            rv = value;
        }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(dta_last_acked_psn) acked_set = {
        void apply(inout bit<32> value) {
            value = acked_target;
        }
    };
    RegisterAction<bit<8>, bit<32>, bit<8>>(dta_qp_up) up_read = {
        void apply(inout bit<8> value, out bit<8> rv) {
            rv = value;
        }
    };
    RegisterAction<bit<8>, bit<32>, bit<8>>(dta_qp_up) up_clear = {
        void apply(inout bit<8> value) {
            value = 0;
        }
    };
    bit<32> lost_delta = 0;
    RegisterAction<bit<32>, bit<32>, bit<32>>(dta_lost_packets) lost_add = {
        void apply(inout bit<32> value) {
            value = value + lost_delta;
        }
    };
    /* The time a queue pair's probe interval started: returned, and restarted now when nothing
     * is outstanding (the interval starts with the next request) or when the interval is over
     * (a probe goes out, or the queue pair goes down). */
    bit<1> timer_restart = 0;
    bit<32> probe_units = 0;
    RegisterAction<bit<32>, bit<32>, bit<32>>(qp_timer) timer_check = {
        void apply(inout bit<32> value, out bit<32> rv) {
            rv = value;
            if (timer_restart == 1 || meta.now_us - value >= probe_units) {
                value = meta.now_us;
            }
        }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(qp_timer) timer_set = {
        void apply(inout bit<32> value) {
            value = meta.now_us;
        }
    };
    /* Unanswered probes: returned, and one more when a probe is due; when a fourth falls due
     * the queue pair goes down and the count starts again at 0 for the next connection. */
    bit<1> probe_due = 0;
    RegisterAction<bit<8>, bit<32>, bit<8>>(qp_probes_out) probes_check = {
        void apply(inout bit<8> value, out bit<8> rv) {
            rv = value;
            if (probe_due == 1 && value < 3) {
                value = value + 1;
            } else if (probe_due == 1) {
                value = 0;
            }
        }
    };
    RegisterAction<bit<8>, bit<32>, bit<8>>(qp_probes_out) probes_clear = {
        void apply(inout bit<8> value, out bit<8> rv) {
            rv = value;
            value = 0;
        }
    };

    /* Postcard cache. A key word: check it against the report, or take it over. */
    bit<32> key_new0 = 0;
    bit<32> key_new1 = 0;
    bit<32> key_new2 = 0;
    bit<32> key_new3 = 0;
#define PC_KEY_ACTIONS(i) \
    RegisterAction<bit<32>, bit<32>, bit<32>>(pc_key##i) pc_key##i##_read = { \
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; } }; \
    RegisterAction<bit<32>, bit<32>, bit<32>>(pc_key##i) pc_key##i##_swap = { \
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; value = key_new##i; } };
    PC_KEY_ACTIONS(0)
    PC_KEY_ACTIONS(1)
    PC_KEY_ACTIONS(2)
    PC_KEY_ACTIONS(3)

    bit<32> info_new = 0;
    RegisterAction<bit<32>, bit<32>, bit<32>>(pc_info) pc_info_read = {
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(pc_info) pc_info_swap = {
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; value = info_new; }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(pc_time) pc_time_swap = {
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; value = meta.now_us; }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(pc_time) pc_time_read = {
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; }
    };

    /* A hop's cell: return it, and store the report's cell if it is that hop (clear the others
     * when the entry changes hands). */
    pair_t cell_new = { 0, 0 };
    bit<8> cell_hop = 0;
    bit<1> cell_clear = 0;
#define PC_CELL_ACTIONS(i) \
    RegisterAction<pair_t, bit<32>, bit<64>>(pc_cell##i) pc_cell##i##_put = { \
        void apply(inout pair_t value, out bit<64> rv) { \
            rv = value.hi ++ value.lo; \
            if (cell_hop == i) { value = cell_new; } \
            else if (cell_clear == 1) { value.hi = 0; value.lo = 0; } \
        } };
    PC_CELL_ACTIONS(0)
    PC_CELL_ACTIONS(1)
    PC_CELL_ACTIONS(2)
    PC_CELL_ACTIONS(3)
    PC_CELL_ACTIONS(4)
    PC_CELL_ACTIONS(5)
    PC_CELL_ACTIONS(6)
    PC_CELL_ACTIONS(7)

    /* Append. */
    RegisterAction<bit<32>, bit<32>, bit<32>>(dta_append_tail) tail_take = {
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; value = value + 1; }
    };
    RegisterAction<bit<32>, bit<32>, bit<32>>(ap_time) ap_time_swap = {
        void apply(inout bit<32> value, out bit<32> rv) { rv = value; value = meta.now_us; }
    };
    /* Entries held: a batch restarts after an idle flush (ap_restart entries), is emptied when
     * full or at the ring's end, and grows otherwise. */
    bit<1> ap_idle_time = 0;
    bit<1> ap_ring_end = 0;
    bit<8> ap_restart = 0;
    RegisterAction<bit<8>, bit<32>, bit<8>>(ap_count) ap_count_update = {
        void apply(inout bit<8> value, out bit<8> rv) {
            rv = value;
            if (value != 0 && ap_idle_time == 1) {
                value = ap_restart;
            } else if (value + 1 == meta.batch || ap_ring_end == 1) {
                value = 0;
            } else {
                value = value + 1;
            }
        }
    };
    bit<8> value_slot = 0xFF;
#define AP_VALUE_ACTION(i) \
    RegisterAction<bit<32>, bit<32>, bit<32>>(ap_value##i) ap_value##i##_put = { \
        void apply(inout bit<32> value, out bit<32> rv) { \
            rv = value; \
            if (value_slot == i) { value = hdr.ap.value; } \
        } };
    AP_VALUE_ACTION(0)
    AP_VALUE_ACTION(1)
    AP_VALUE_ACTION(2)
    AP_VALUE_ACTION(3)
    AP_VALUE_ACTION(4)
    AP_VALUE_ACTION(5)
    AP_VALUE_ACTION(6)
    AP_VALUE_ACTION(7)
    AP_VALUE_ACTION(8)
    AP_VALUE_ACTION(9)
    AP_VALUE_ACTION(10)
    AP_VALUE_ACTION(11)
    AP_VALUE_ACTION(12)
    AP_VALUE_ACTION(13)
    AP_VALUE_ACTION(14)
    AP_VALUE_ACTION(15)

    /* ---- Tables the controller writes (translator-control.md section 1) ---- */
    action set_key_write_store(bit<8> log2_slots, bit<8> slot_bytes, bit<8> default_redundancy) {
        meta.kind = DTA_OP_KEY_WRITE;
        meta.log2_size = log2_slots;
        meta.unit_bytes = slot_bytes;
        meta.default_n = default_redundancy;
    }
    action set_key_increment_store(bit<8> rows, bit<8> log2_columns) {
        meta.kind = DTA_OP_KEY_INCREMENT;
        meta.default_n = rows;
        meta.log2_size = log2_columns;
    }
    action set_postcard_store(bit<8> log2_rows, bit<8> hops, bit<8> row_bytes) {
        meta.kind = DTA_OP_POSTCARD;
        meta.log2_size = log2_rows;
        meta.default_n = hops;
        meta.unit_bytes = row_bytes;
    }
    action set_append_store(bit<32> lists, bit<8> log2_entries, bit<8> batch, bit<32> tail_base) {
        meta.kind = DTA_OP_APPEND;
        meta.lists = lists;
        meta.log2_size = log2_entries;
        meta.batch = batch;
        meta.tail_base = tail_base;
    }
    action set_sketch_store(bit<8> rows, bit<8> log2_columns) {
        meta.kind = DTA_OP_SKETCH_MERGE;
        meta.default_n = rows;
        meta.log2_size = log2_columns;
    }
    action unknown_store() {
        meta.kind = 0;
    }
    table dta_stores {
        key = { meta.subj_store: exact @name("store_id"); }
        actions = {
            set_key_write_store;
            set_key_increment_store;
            set_postcard_store;
            set_append_store;
            set_sketch_store;
            @defaultonly unknown_store;
        }
        const default_action = unknown_store();
        size = 1024;
    }

    bit<8> bucket = 0;
    bool collector_found = false;
    action set_collector(bit<8> collector) {
        meta.collector = collector;
        collector_found = true;
    }
    action no_collector() {
        collector_found = false;
    }
    table dta_collector_select {
        key = {
            meta.subj_store: exact @name("store_id");
            bucket: exact @name("bucket");
        }
        actions = {
            set_collector;
            @defaultonly no_collector;
        }
        const default_action = no_collector();
        size = 16384;
    }

    bool qp_found = false;
    action set_queue_pair(bit<32> collector_ip, bit<32> translator_ip, bit<24> remote_qpn) {
        meta.collector_ip = collector_ip;
        meta.translator_ip = translator_ip;
        meta.remote_qpn = remote_qpn;
        qp_found = true;
    }
    action queue_pair_down() {
        qp_found = false;
    }
    table dta_queue_pairs {
        key = { meta.collector: exact @name("collector"); }
        actions = {
            set_queue_pair;
            @defaultonly queue_pair_down;
        }
        const default_action = queue_pair_down();
        size = 256;
    }

    bool region_found = false;
    action set_region(bit<64> va, bit<32> rkey) {
        meta.region_va = va;
        meta.region_rkey = rkey;
        region_found = true;
    }
    action no_region() {
        region_found = false;
    }
    table dta_regions {
        key = {
            meta.collector: exact @name("collector");
            meta.subj_store: exact @name("store_id");
            meta.segment: exact @name("segment");
        }
        actions = {
            set_region;
            @defaultonly no_region;
        }
        const default_action = no_region();
        size = 4096;
    }

    bool is_local = false;
    action local_address() {
        is_local = true;
    }
    table dta_local_addresses {
        key = { hdr.ipv4.dst_addr: exact @name("dst_addr"); }
        actions = {
            local_address;
            @defaultonly NoAction;
        }
        const default_action = NoAction();
        size = 64;
    }

    action forward(PortId_t port, bit<48> src_mac, bit<48> dst_mac) {
        ig_tm_md.ucast_egress_port = port;
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
    }
    action send_to_cpu() {
        ig_tm_md.ucast_egress_port = CPU_PORT;
        meta.cpu_reason = REASON_TO_CPU;
    }
    action drop() {
        ig_dprsr_md.drop_ctl = 1;
    }
    table ipv4_routes {
        key = { hdr.ipv4.dst_addr: lpm @name("dst_addr"); }
        actions = {
            forward;
            send_to_cpu;
            drop;
        }
        const default_action = drop();
        size = 1024;
    }

    action set_settings(bit<8> ack_interval_log2, bit<32> flush_interval_us, bit<16> probe_interval_ms) {
        meta.ack_log2 = ack_interval_log2;
        meta.flush_us = flush_interval_us;
        meta.probe_ms = probe_interval_ms;
    }
    table dta_settings {
        actions = { set_settings; }
        default_action = set_settings(6, 1000, 100);
        size = 1;
    }

#define PUT_CELL(j, v) cell_out = v; hdr.cells[j].setValid(); \
    hdr.cells[j].hi = cell_out[63:32]; hdr.cells[j].lo = cell_out[31:0]

    apply {
        bool route = false;
        /* Every UDP datagram to the report port is a report (protocol 2.1), also one too short
         * for the base header (dropped as truncated, 2.5). */
        bool report = hdr.udp.isValid() && hdr.udp.dst_port == DTA_REPORT_PORT && !hdr.packet_out.isValid();
        bool roce_local = false;
        bool need_qp = false;
        bit<64> cell = 0;
        bit<64> cell_out;
        bit<8> hops = 0;
        bit<32> hash0 = 0;
        bit<32> key_crc = 0;

        dta_settings.apply();
        meta.now_us = ig_prsr_md.global_tstamp[41:10];
        meta.drop_reason = 0;
        meta.cpu_reason = 0;
        meta.emit = 0;
        meta.cells = 0;
        /* The plan: from the loop header of a looped report, else a fresh one. */
        if (hdr.loop.isValid()) {
            meta.plan = hdr.loop;
            hdr.ethernet.ether_type = hdr.loop.inner_type;
            hdr.loop.setInvalid();
        } else {
            meta.plan.setValid();
            meta.plan.step = 0;
            meta.plan.data_steps = 0;
            meta.plan.n = 0;
            meta.plan.probe = 0;
            meta.plan.pc_evict = 0;
            meta.plan.ap_idle = 0;
            meta.plan.reserved = 0;
            meta.plan.reserved2 = 0;
            meta.plan.ap_pos = 0;
        }
        meta.plan.kind = BRIDGE_LOOP;
        meta.plan.inner_type = ETHERTYPE_IPV4;
        bit<8> step = meta.plan.step;
        bool eviction_step = step == 1 && meta.plan.pc_evict == 1;

        /* ---- Classify ---- */
        if (hdr.packet_out.isValid()) {
            if (hdr.packet_out.egress_port != 0) {
                ig_tm_md.ucast_egress_port = (PortId_t) hdr.packet_out.egress_port;
            } else if (hdr.ipv4.isValid()) {
                route = true;
            } else {
                ig_dprsr_md.drop_ctl = 1;
            }
            hdr.packet_out.setInvalid();
        } else if (!hdr.ipv4.isValid()) {
            ig_tm_md.ucast_egress_port = CPU_PORT;
            meta.cpu_reason = REASON_TO_CPU;
        } else if (!report) {
            dta_local_addresses.apply();
            if (!is_local) {
                route = true;
            } else {
                ig_tm_md.ucast_egress_port = CPU_PORT;
                meta.cpu_reason = REASON_TO_CPU;
                if (hdr.bth.isValid()) {
                    if (hdr.bth.opcode == IB_OP_UD_SEND_ONLY && hdr.bth.dst_qp == 1) {
                        meta.cpu_reason = REASON_CM_MAD;
                    } else {
                        roce_local = true;
                        meta.cpu_reason = REASON_UNKNOWN_QUEUE_PAIR;
                        meta.collector = hdr.bth.dst_qp[7:0];
                        need_qp = hdr.bth.dst_qp[23:8] == 1;
                    }
                }
            }
        }

        bit<8> opcode = hdr.base.opcode;
        /* ---- Postcard eviction step: take over the entry, the evicted flow is the subject ---- */
        bit<32> ev_info = 0;
        bit<64> ev0 = 0; bit<64> ev1 = 0; bit<64> ev2 = 0; bit<64> ev3 = 0;
        bit<64> ev4 = 0; bit<64> ev5 = 0; bit<64> ev6 = 0; bit<64> ev7 = 0;
        bit<32> entry = dta_mix(h_cache.get({ hdr.pc.key }) ^ DTA_SALT_STEP) & (PC_CACHE_SIZE - 1);
        /* A postcard's own cell: value ++ tag(flow key, hop ++ value). */
        bit<32> check = h_hop.get({ hdr.pc.key[119:0] ++ hdr.pc.key[127:120], hdr.pc.hop, hdr.pc.value }) | 1;
        cell = hdr.pc.value ++ check;
        if (report && eviction_step) {
            /* The report's path length was resolved on the first pass. */
            hops = meta.plan.n;
            key_new0 = hdr.pc.key[127:96];
            key_new1 = hdr.pc.key[95:64];
            key_new2 = hdr.pc.key[63:32];
            key_new3 = hdr.pc.key[31:0];
            bit<8> hop_bit = 8w1 << hdr.pc.hop;
            info_new = hops == 1 ? 32w0 : hdr.base.store_id ++ hops ++ hop_bit;
            cell_new = { cell[63:32], cell[31:0] };
            cell_hop = hdr.pc.hop;
            cell_clear = 1;
            ev_info = pc_info_swap.execute(entry);
            pc_time_swap.execute(entry);
            meta.subj_key = pc_key0_swap.execute(entry) ++ pc_key1_swap.execute(entry)
                            ++ pc_key2_swap.execute(entry) ++ pc_key3_swap.execute(entry);
            ev0 = pc_cell0_put.execute(entry);
            ev1 = pc_cell1_put.execute(entry);
            ev2 = pc_cell2_put.execute(entry);
            ev3 = pc_cell3_put.execute(entry);
            ev4 = pc_cell4_put.execute(entry);
            ev5 = pc_cell5_put.execute(entry);
            ev6 = pc_cell6_put.execute(entry);
            ev7 = pc_cell7_put.execute(entry);
        }

        /* ---- Report validation (protocol 2.5) ---- */
        if (report) {
            bit<32> needed = 4;
            if (opcode == DTA_OP_KEY_WRITE) { needed = 24 + (bit<32>) hdr.kw.value_len; }
            else if (opcode == DTA_OP_KEY_INCREMENT) { needed = 32; }
            else if (opcode == DTA_OP_POSTCARD) { needed = 28; }
            else if (opcode == DTA_OP_APPEND) { needed = 12; }
            else if (opcode == DTA_OP_SKETCH_MERGE) { needed = 12 + 4 * (bit<32>) hdr.sk.count; }

            meta.subj_store = hdr.base.store_id;
            if (eviction_step) {
                meta.subj_store = ev_info[31:16];
            } else if (opcode == DTA_OP_KEY_WRITE) { meta.subj_key = hdr.kw.key; }
            else if (opcode == DTA_OP_KEY_INCREMENT) { meta.subj_key = hdr.ki.key; }
            else if (opcode == DTA_OP_POSTCARD) { meta.subj_key = hdr.pc.key; }

            if (ig_prsr_md.parser_err != PARSER_ERROR_OK || (bit<32>) hdr.udp.length < 8 + needed) {
                meta.drop_reason = DROP_TRUNCATED;
            } else if (hdr.base.version != DTA_VERSION) {
                meta.drop_reason = DROP_BAD_VERSION;
            } else if (opcode == 0 || opcode > DTA_OP_SKETCH_MERGE) {
                meta.drop_reason = DROP_UNKNOWN_OPCODE;
            } else {
                dta_stores.apply();
                if (meta.kind == 0) {
                    meta.drop_reason = DROP_UNKNOWN_STORE;
                } else if (meta.kind != opcode) {
                    meta.drop_reason = DROP_KIND_MISMATCH;
                }
            }

            if (meta.drop_reason == 0 && !eviction_step) {
                if (opcode == DTA_OP_KEY_WRITE) {
                    meta.plan.n = hdr.kw.redundancy == 0 ? meta.default_n : hdr.kw.redundancy;
                    if (hdr.kw.value_len != meta.unit_bytes - 4) {
                        meta.drop_reason = DROP_BAD_VALUE_LENGTH;
                    } else if (hdr.kw.redundancy > 8) {
                        meta.drop_reason = DROP_REDUNDANCY;
                    }
                } else if (opcode == DTA_OP_KEY_INCREMENT) {
                    meta.plan.n = hdr.ki.redundancy == 0 ? meta.default_n : hdr.ki.redundancy;
                    if (hdr.ki.redundancy > 8 || hdr.ki.redundancy > meta.default_n) {
                        meta.drop_reason = DROP_REDUNDANCY;
                    }
                } else if (opcode == DTA_OP_POSTCARD) {
                    hops = hdr.pc.path_len == 0 ? meta.default_n : hdr.pc.path_len;
                    if (hdr.pc.hop >= hops || hdr.pc.path_len > meta.default_n) {
                        meta.drop_reason = DROP_HOP;
                    }
                } else if (opcode == DTA_OP_APPEND) {
                    if (hdr.ap.list_id >= meta.lists) {
                        meta.drop_reason = DROP_LIST;
                    }
                } else {
                    bit<33> columns = 33w1 << meta.log2_size;
                    if (hdr.sk.row >= meta.default_n || hdr.sk.count == 0 || hdr.sk.count > DTA_MAX_DELTAS
                            || (bit<33>) hdr.sk.column + (bit<33>) hdr.sk.count > columns
                            || (bit<8>) hdr.sk.column[3:0] + hdr.sk.count > 16) {
                        meta.drop_reason = DROP_SKETCH;
                    }
                    meta.plan.n = hdr.sk.count;
                }
            } else if (meta.drop_reason == 0 && (meta.kind != DTA_OP_POSTCARD || ev_info[7:0] == 0)) {
                /* Nothing left to evict, or the evicted flow's store changed. */
                meta.drop_reason = DROP_UNKNOWN_STORE;
            }

            /* crc32(subject key): the bucket and every replica index derive from it. */
            key_crc = h_key.get({ meta.subj_key });
            if (meta.drop_reason == 0) {
                if (opcode == DTA_OP_APPEND) {
                    bucket = hdr.ap.list_id[7:0];
                } else if (opcode == DTA_OP_SKETCH_MERGE) {
                    bucket = hdr.sk.column[11:4];
                } else {
                    bucket = dta_mix(key_crc ^ (32w9 * DTA_SALT_STEP))[7:0];
                }
                dta_collector_select.apply();
                if (!collector_found) {
                    meta.drop_reason = DROP_NO_COLLECTOR;
                } else {
                    need_qp = true;
                }
            }
        }

        if (need_qp) {
            dta_queue_pairs.apply();
        }
        bit<32> c = (bit<32>) meta.collector;

        /* ---- Replies to a translator queue pair (protocol 5.6) ---- */
        if (roce_local && qp_found) {
            bit<32> r_npsn = psn_read.execute(c);
            bit<32> r_acked = acked_read.execute(c);
            bit<8> r_up = up_read.execute(c);
            /* Which replies count (protocol 5.6): only from the queue pair's collector, and naming
             * a PSN outstanding, in (last acknowledged, next PSN - 1]; a sequence NAK may also name
             * the next PSN. Anything else is spoofed or stale: dropped, it changes nothing. */
            bit<24> outstanding = r_npsn[23:0] - 1 - r_acked[23:0];
            bit<24> since_acked = hdr.bth.psn - r_acked[23:0];
            bool in_window = since_acked != 0 && since_acked <= outstanding;
            bool sequence_nak = hdr.aeth.isValid() && hdr.aeth.syndrome == 0x60;
            bool answer = false;   /* a reply from the responder: alive, no probe outstanding */
            meta.cpu_reason = 0;
            ig_dprsr_md.drop_ctl = 1;
            if (hdr.ipv4.src_addr != meta.collector_ip) {
                /* Not from the queue pair's collector: ignored. */
            } else if (hdr.bth.opcode >= IB_OP_READ_RESPONSE_FIRST && hdr.bth.opcode <= IB_OP_READ_RESPONSE_ONLY) {
                /* READ responses: the controller's own READs while the queue pair is down; on a
                 * queue pair that is up the translator's only READ is the liveness probe. */
                if (r_up != 1) {
                    meta.cpu_reason = REASON_READ_RESPONSE;
                } else if (hdr.bth.opcode == IB_OP_READ_RESPONSE_ONLY && in_window) {
                    /* A probe's answer: everything up to the probe's PSN arrived. */
                    answer = true;
                    acked_target = (bit<32>) hdr.bth.psn;
                    acked_set.execute(c);
                }
            } else if (!hdr.aeth.isValid()) {
                meta.cpu_reason = REASON_TO_CPU;
            } else if (!in_window && !(sequence_nak && hdr.bth.psn == r_npsn[23:0])) {
                /* Outside the window: ignored. */
            } else if (r_up != 1) {
                /* Down with these requests counted lost: an ACK that was in flight takes the
                 * ones it acknowledges back out of that count. */
                if (hdr.aeth.syndrome[7:5] == 0) {
                    lost_delta = 0 - (bit<32>) since_acked;
                    lost_add.execute(c);
                    acked_target = (bit<32>) hdr.bth.psn;
                    acked_set.execute(c);
                }
            } else {
                answer = true;
                if (hdr.aeth.syndrome[7:5] == 0) {
                    /* ACK or ATOMIC ACK: never moves the next PSN (a late ACK names an old PSN). */
                    dta_qp_acks.count(c);
                    acked_target = (bit<32>) hdr.bth.psn;
                    acked_set.execute(c);
                } else if (hdr.aeth.syndrome[7:5] == 3) {
                    dta_qp_naks.count(c * 4 + (bit<32>) hdr.aeth.syndrome[1:0]);
                    if (hdr.aeth.syndrome[4:0] == 0) {
                        /* PSN sequence error (also the answer to a probe sent after a gap). */
                        psn_target = (bit<32>) hdr.bth.psn;
                        psn_set.execute(c);
                        lost_delta = (bit<32>) (r_npsn[23:0] - hdr.bth.psn);
                        lost_add.execute(c);
                        acked_target = (bit<32>) (hdr.bth.psn - 1);
                        acked_set.execute(c);
                        dta_qp_resyncs.count(c);
                    } else {
                        /* In error: down, the requests outstanding counted lost, the controller told. */
                        lost_delta = (bit<32>) outstanding;
                        lost_add.execute(c);
                        up_clear.execute(c);
                        meta.cpu_reason = REASON_QUEUE_PAIR_ERROR;
                    }
                }
            }
            if (meta.cpu_reason != 0) {
                ig_dprsr_md.drop_ctl = 0;
                ig_tm_md.ucast_egress_port = CPU_PORT;
            }
            if (answer) {
                probes_clear.execute(c);
                timer_set.execute(c);
            }
        }

        /* ---- A report: queue pair up, this step's data offset and region ---- */
        if (report && meta.drop_reason == 0) {
            if (!qp_found || up_read.execute(c) != 1) {
                meta.drop_reason = DROP_QUEUE_PAIR_DOWN;
            }
        }
        bit<32> tail = 0;
        if (report && meta.drop_reason == 0) {
            bit<8> s = step < meta.plan.data_steps ? step : 0;
            bit<32> mask = (32w1 << meta.log2_size) - 1;
            if (opcode == DTA_OP_KEY_WRITE || opcode == DTA_OP_KEY_INCREMENT || opcode == DTA_OP_POSTCARD) {
                /* salt(s) as a constant per step: Tofino's ALUs have no multiplier. */
                bit<32> salt = 32w1 * DTA_SALT_STEP;
                if (opcode == DTA_OP_POSTCARD || s == 0) { salt = 32w1 * DTA_SALT_STEP; }
                else if (s == 1) { salt = 32w2 * DTA_SALT_STEP; }
                else if (s == 2) { salt = 32w3 * DTA_SALT_STEP; }
                else if (s == 3) { salt = 32w4 * DTA_SALT_STEP; }
                else if (s == 4) { salt = 32w5 * DTA_SALT_STEP; }
                else if (s == 5) { salt = 32w6 * DTA_SALT_STEP; }
                else if (s == 6) { salt = 32w7 * DTA_SALT_STEP; }
                else { salt = 32w8 * DTA_SALT_STEP; }
                hash0 = dta_mix(key_crc ^ salt);
                meta.index = hash0 & mask;
            }
            if (opcode == DTA_OP_KEY_WRITE || opcode == DTA_OP_POSTCARD) {
                if (meta.unit_bytes == 8) { meta.offset = ((bit<64>) meta.index) << 3; }
                else if (meta.unit_bytes == 16) { meta.offset = ((bit<64>) meta.index) << 4; }
                else if (meta.unit_bytes == 32) { meta.offset = ((bit<64>) meta.index) << 5; }
                else { meta.offset = ((bit<64>) meta.index) << 6; }
            } else if (opcode == DTA_OP_KEY_INCREMENT) {
                meta.offset = ((((bit<64>) s) << meta.log2_size) + (bit<64>) meta.index) << 3;
            } else if (opcode == DTA_OP_SKETCH_MERGE) {
                meta.offset = ((((bit<64>) hdr.sk.row) << meta.log2_size) + (bit<64>) hdr.sk.column
                               + (bit<64>) s) << 3;
            } else {
                /* The ring's first entry: on Tofino a ring must not cross a 2 GiB segment
                 * (log2 entries <= 28), so its segment is the one of every entry. */
                meta.offset = (((bit<64>) hdr.ap.list_id) << meta.log2_size) << 3;
            }
            meta.segment = meta.offset[38:31];
            dta_regions.apply();
            if (!region_found) {
                meta.drop_reason = DROP_NO_REGION;
            }
        }
        if (report && meta.drop_reason != 0) {
            /* A report is counted once, on its first pass (the drop counter, protocol 2.5). */
            ig_dprsr_md.drop_ctl = 1;
            if (step == 0) {
                dta_drops.count(meta.drop_reason);
            }
        }

        /* ---- First pass: liveness, the primitive's state, the plan ---- */
        bit<32> v0 = 0; bit<32> v1 = 0; bit<32> v2 = 0; bit<32> v3 = 0;
        bit<32> v4 = 0; bit<32> v5 = 0; bit<32> v6 = 0; bit<32> v7 = 0;
        bit<32> v8 = 0; bit<32> v9 = 0; bit<32> v10 = 0; bit<32> v11 = 0;
        bit<32> v12 = 0; bit<32> v13 = 0; bit<32> v14 = 0; bit<32> v15 = 0;
        bit<8> pc_bitmap = 0;
        bit<32> npsn = 0;      /* first pass: the next PSN before this report's requests */
        if (report && meta.drop_reason == 0 && step == 0) {
            npsn = psn_read.execute(c);
            bit<32> acked = acked_read.execute(c);
            bool outstanding = ((npsn - 1 - acked) & 0xFFFFFF) != 0;
            timer_restart = outstanding ? 1w0 : 1w1;
            probe_units = (bit<32>) meta.probe_ms * 1000;
            bit<32> since = timer_check.execute(c);
            bool due = outstanding && meta.now_us - since >= probe_units;
            probe_due = due ? 1w1 : 1w0;
            bit<8> probes = probes_check.execute(c);
            if (due && probes >= 3) {
                /* Down: the requests outstanding are counted lost (protocol 5.6). */
                lost_delta = (npsn - 1 - acked) & 0xFFFFFF;
                lost_add.execute(c);
                up_clear.execute(c);
                dta_drops.count(DROP_QUEUE_PAIR_DOWN);
                meta.cpu_reason = REASON_QUEUE_PAIR_TIMEOUT;
                meta.plan.probe = 1;
            } else {
                dta_reports.count((bit<32>) opcode);
                if (due) {
                    meta.plan.probe = 1;
                    dta_qp_probes.count(c);
                }
            }

            if (meta.cpu_reason != 0) {
                /* No data step. */
            } else if (opcode == DTA_OP_KEY_WRITE || opcode == DTA_OP_KEY_INCREMENT
                    || opcode == DTA_OP_SKETCH_MERGE) {
                meta.plan.data_steps = meta.plan.n;
            } else if (opcode == DTA_OP_POSTCARD) {
                /* Postcard cache (protocol 6.3): is the entry this flow's, empty, or another's? */
                meta.plan.n = hops;
                bit<32> info = pc_info_read.execute(entry);
                bit<32> last_ts = pc_time_read.execute(entry);
                bool same_key = pc_key0_read.execute(entry) == hdr.pc.key[127:96]
                                && pc_key1_read.execute(entry) == hdr.pc.key[95:64]
                                && pc_key2_read.execute(entry) == hdr.pc.key[63:32]
                                && pc_key3_read.execute(entry) == hdr.pc.key[31:0];
                bool held = info[7:0] != 0;
                bool same = held && same_key && info[31:16] == hdr.base.store_id
                            && meta.now_us - last_ts < meta.flush_us;
                if (held && !same) {
                    /* Step 0 nothing, step 1 takes the entry over and writes the evicted row,
                     * step 2 writes this flow's row if its one hop completes it. */
                    meta.plan.pc_evict = 1;
                    meta.plan.data_steps = hops == 1 ? 8w3 : 8w2;
                } else {
                    /* Add the hop (a fresh entry if empty); write the row when complete. */
                    bit<8> plen = same ? info[15:8] : hops;
                    pc_bitmap = (same ? info[7:0] : 8w0) | (8w1 << hdr.pc.hop);
                    bit<8> full = (bit<8>) ((9w1 << plen) - 1);
                    bool complete = (pc_bitmap & full) == full;
                    info_new = complete ? 32w0 : hdr.base.store_id ++ plen ++ pc_bitmap;
                    key_new0 = hdr.pc.key[127:96];
                    key_new1 = hdr.pc.key[95:64];
                    key_new2 = hdr.pc.key[63:32];
                    key_new3 = hdr.pc.key[31:0];
                    cell_new = { cell[63:32], cell[31:0] };
                    cell_hop = hdr.pc.hop;
                    cell_clear = same ? 1w0 : 1w1;
                    pc_info_swap.execute(entry);
                    pc_time_swap.execute(entry);
                    ev0 = pc_cell0_put.execute(entry);
                    ev1 = pc_cell1_put.execute(entry);
                    ev2 = pc_cell2_put.execute(entry);
                    ev3 = pc_cell3_put.execute(entry);
                    ev4 = pc_cell4_put.execute(entry);
                    ev5 = pc_cell5_put.execute(entry);
                    ev6 = pc_cell6_put.execute(entry);
                    ev7 = pc_cell7_put.execute(entry);
                    ev_info = (bit<32>) pc_bitmap;
                    meta.plan.data_steps = complete ? 8w1 : 8w0;
                }
            } else {
                /* Append batching (protocol 6.4). */
                bit<32> slot = meta.tail_base + hdr.ap.list_id;
                tail = tail_take.execute(slot);
                bit<32> last_ts = ap_time_swap.execute(slot);
                bool ring_end = ((tail + 1) & ((32w1 << meta.log2_size) - 1)) == 0;
                ap_ring_end = ring_end ? 1w1 : 1w0;
                ap_idle_time = meta.now_us - last_ts >= meta.flush_us ? 1w1 : 1w0;
                ap_restart = meta.batch == 1 || ring_end ? 8w0 : 8w1;
                bit<8> held = ap_count_update.execute(slot);
                meta.plan.ap_pos = tail;
                if (held != 0 && ap_idle_time == 1) {
                    /* Step 0 writes the idle batch; the new entry starts the next one, or is
                     * written alone by step 1. */
                    meta.plan.ap_idle = 1;
                    meta.plan.n = held;
                    meta.plan.data_steps = ap_restart == 0 ? 8w2 : 8w1;
                    value_slot = ap_restart == 0 ? 8w0xFF : 8w0;
                } else if (held + 1 == meta.batch || ring_end) {
                    meta.plan.n = held + 1;
                    meta.plan.data_steps = 1;
                } else {
                    value_slot = held;
                }
                v0 = ap_value0_put.execute(slot);
                v1 = ap_value1_put.execute(slot);
                v2 = ap_value2_put.execute(slot);
                v3 = ap_value3_put.execute(slot);
                v4 = ap_value4_put.execute(slot);
                v5 = ap_value5_put.execute(slot);
                v6 = ap_value6_put.execute(slot);
                v7 = ap_value7_put.execute(slot);
                v8 = ap_value8_put.execute(slot);
                v9 = ap_value9_put.execute(slot);
                v10 = ap_value10_put.execute(slot);
                v11 = ap_value11_put.execute(slot);
                v12 = ap_value12_put.execute(slot);
                v13 = ap_value13_put.execute(slot);
                v14 = ap_value14_put.execute(slot);
                v15 = ap_value15_put.execute(slot);
            }
        }

        /* ---- Build this step's request ---- */
        bool is_probe = false;
        /* This pass is the notice of a queue pair that timed out (set on the first pass). */
        bool timed_out = meta.cpu_reason == REASON_QUEUE_PAIR_TIMEOUT;
        if (report && meta.drop_reason == 0) {
            if (meta.plan.probe == 1 && step == meta.plan.data_steps) {
                /* Probe (protocol 5.6): an RDMA READ Request of length 0 at the next PSN; the
                 * headers are filled below with the PSN. */
                meta.emit = 1;
                is_probe = true;
            } else if (step < meta.plan.data_steps) {
                meta.emit = 1;
                if (opcode == DTA_OP_KEY_WRITE) {
                    bit<128> k = hdr.kw.key;
                    bit<32> tag;
                    if (hdr.kw.value_len == 4) {
                        tag = h_tag4.get({ k[119:0] ++ k[127:120], hdr.value4.value }) | 1;
                        PUT_CELL(0, tag ++ hdr.value4.value);
                        meta.cells = 1;
                    } else if (hdr.kw.value_len == 12) {
                        tag = h_tag12.get({ k[119:0] ++ k[127:120], hdr.value12.value }) | 1;
                        PUT_CELL(0, tag ++ hdr.value12.value[95:64]);
                        PUT_CELL(1, hdr.value12.value[63:0]);
                        meta.cells = 2;
                    } else {
                        tag = h_tag28.get({ k[119:0] ++ k[127:120], hdr.value28.value }) | 1;
                        PUT_CELL(0, tag ++ hdr.value28.value[223:192]);
                        PUT_CELL(1, hdr.value28.value[191:128]);
                        PUT_CELL(2, hdr.value28.value[127:64]);
                        PUT_CELL(3, hdr.value28.value[63:0]);
                        meta.cells = 4;
                    }
                } else if (opcode == DTA_OP_KEY_INCREMENT || opcode == DTA_OP_SKETCH_MERGE) {
                    hdr.atomic.setValid();
                    hdr.atomic.va = meta.region_va + (meta.offset & 0x7FFFFFFF);
                    hdr.atomic.rkey = meta.region_rkey;
                    hdr.atomic.compare_data = 0;
                    if (opcode == DTA_OP_KEY_INCREMENT) {
                        hdr.atomic.add_data = hdr.ki.delta;
                    } else {
                        bit<32> d = hdr.deltas[0].delta;
                        if (step == 1) { d = hdr.deltas[1].delta; }
                        else if (step == 2) { d = hdr.deltas[2].delta; }
                        else if (step == 3) { d = hdr.deltas[3].delta; }
                        else if (step == 4) { d = hdr.deltas[4].delta; }
                        else if (step == 5) { d = hdr.deltas[5].delta; }
                        else if (step == 6) { d = hdr.deltas[6].delta; }
                        else if (step == 7) { d = hdr.deltas[7].delta; }
                        else if (step == 8) { d = hdr.deltas[8].delta; }
                        else if (step == 9) { d = hdr.deltas[9].delta; }
                        else if (step == 10) { d = hdr.deltas[10].delta; }
                        else if (step == 11) { d = hdr.deltas[11].delta; }
                        else if (step == 12) { d = hdr.deltas[12].delta; }
                        else if (step == 13) { d = hdr.deltas[13].delta; }
                        else if (step == 14) { d = hdr.deltas[14].delta; }
                        else if (step == 15) { d = hdr.deltas[15].delta; }
                        hdr.atomic.add_data = (bit<64>) d;
                    }
                } else if (opcode == DTA_OP_POSTCARD && step == 0 && meta.plan.pc_evict == 1) {
                    meta.emit = 0;
                } else if (opcode == DTA_OP_POSTCARD) {
                    /* Step 0: this flow's completed row (the cells now in the cache are the ones
                     * returned before this report's cell was stored, plus that cell); step 1: the
                     * evicted row; step 2: this flow's one-hop row. */
                    bit<8> bitmap = ev_info[7:0];
                    if (step == 2) {
                        bitmap = 8w1 << hdr.pc.hop;
                        ev0 = cell;
                    }
                    if (step == 0) {
                        bitmap = pc_bitmap;
                        if (hdr.pc.hop == 0) { ev0 = cell; }
                        if (hdr.pc.hop == 1) { ev1 = cell; }
                        if (hdr.pc.hop == 2) { ev2 = cell; }
                        if (hdr.pc.hop == 3) { ev3 = cell; }
                        if (hdr.pc.hop == 4) { ev4 = cell; }
                        if (hdr.pc.hop == 5) { ev5 = cell; }
                        if (hdr.pc.hop == 6) { ev6 = cell; }
                        if (hdr.pc.hop == 7) { ev7 = cell; }
                    }
                    meta.cells = meta.unit_bytes >> 3;
                    PUT_CELL(0, bitmap[0:0] == 1 ? ev0 : 64w0);
                    if (meta.cells >= 2) {
                        PUT_CELL(1, bitmap[1:1] == 1 ? ev1 : 64w0);
                    }
                    if (meta.cells >= 4) {
                        PUT_CELL(2, bitmap[2:2] == 1 ? ev2 : 64w0);
                        PUT_CELL(3, bitmap[3:3] == 1 ? ev3 : 64w0);
                    }
                    if (meta.cells >= 8) {
                        PUT_CELL(4, bitmap[4:4] == 1 ? ev4 : 64w0);
                        PUT_CELL(5, bitmap[5:5] == 1 ? ev5 : 64w0);
                        PUT_CELL(6, bitmap[6:6] == 1 ? ev6 : 64w0);
                        PUT_CELL(7, bitmap[7:7] == 1 ? ev7 : 64w0);
                    }
                } else {
                    /* Append: entries (sequence = position + 1, value) from position first. */
                    bit<32> first = meta.plan.ap_pos;
                    if (step == 0) {
                        meta.cells = meta.plan.n;
                        first = meta.plan.ap_idle == 1 ? meta.plan.ap_pos - (bit<32>) meta.plan.n
                                                       : meta.plan.ap_pos + 1 - (bit<32>) meta.plan.n;
                        if (meta.plan.ap_idle == 0) {
                            if (meta.plan.n == 1) { v0 = hdr.ap.value; }
                            if (meta.plan.n == 2) { v1 = hdr.ap.value; }
                            if (meta.plan.n == 3) { v2 = hdr.ap.value; }
                            if (meta.plan.n == 4) { v3 = hdr.ap.value; }
                            if (meta.plan.n == 5) { v4 = hdr.ap.value; }
                            if (meta.plan.n == 6) { v5 = hdr.ap.value; }
                            if (meta.plan.n == 7) { v6 = hdr.ap.value; }
                            if (meta.plan.n == 8) { v7 = hdr.ap.value; }
                            if (meta.plan.n == 9) { v8 = hdr.ap.value; }
                            if (meta.plan.n == 10) { v9 = hdr.ap.value; }
                            if (meta.plan.n == 11) { v10 = hdr.ap.value; }
                            if (meta.plan.n == 12) { v11 = hdr.ap.value; }
                            if (meta.plan.n == 13) { v12 = hdr.ap.value; }
                            if (meta.plan.n == 14) { v13 = hdr.ap.value; }
                            if (meta.plan.n == 15) { v14 = hdr.ap.value; }
                            if (meta.plan.n == 16) { v15 = hdr.ap.value; }
                        }
                    } else {
                        meta.cells = 1;
                        v0 = hdr.ap.value;
                    }
                    meta.offset = ((((bit<64>) hdr.ap.list_id) << meta.log2_size)
                                   + (bit<64>) (first & ((32w1 << meta.log2_size) - 1))) << 3;
                    PUT_CELL(0, (first + 1) ++ v0);
                    if (meta.cells > 1) { PUT_CELL(1, (first + 2) ++ v1); }
                    if (meta.cells > 2) { PUT_CELL(2, (first + 3) ++ v2); }
                    if (meta.cells > 3) { PUT_CELL(3, (first + 4) ++ v3); }
                    if (meta.cells > 4) { PUT_CELL(4, (first + 5) ++ v4); }
                    if (meta.cells > 5) { PUT_CELL(5, (first + 6) ++ v5); }
                    if (meta.cells > 6) { PUT_CELL(6, (first + 7) ++ v6); }
                    if (meta.cells > 7) { PUT_CELL(7, (first + 8) ++ v7); }
                    if (meta.cells > 8) { PUT_CELL(8, (first + 9) ++ v8); }
                    if (meta.cells > 9) { PUT_CELL(9, (first + 10) ++ v9); }
                    if (meta.cells > 10) { PUT_CELL(10, (first + 11) ++ v10); }
                    if (meta.cells > 11) { PUT_CELL(11, (first + 12) ++ v11); }
                    if (meta.cells > 12) { PUT_CELL(12, (first + 13) ++ v12); }
                    if (meta.cells > 13) { PUT_CELL(13, (first + 14) ++ v13); }
                    if (meta.cells > 14) { PUT_CELL(14, (first + 15) ++ v14); }
                    if (meta.cells > 15) { PUT_CELL(15, (first + 16) ++ v15); }
                }
            }
            if (meta.emit == 1) {
                /* The PSN (protocol 5.6), AckReq every 2^ack_interval_log2 packets. The probe
                 * that goes to the controller instead (queue pair timed out, first pass) carries
                 * the next PSN without taking it. */
                bit<32> psn = npsn;
                if (!timed_out) {
                    psn = psn_take.execute(c);
                }
                hdr.bth.setValid();
                hdr.bth.psn = psn[23:0];
                hdr.bth.ack_req = (psn[23:0] & ((24w1 << meta.ack_log2) - 1)) == 0 ? 1w1 : 1w0;
                if (hdr.atomic.isValid()) {
                    hdr.bth.opcode = IB_OP_FETCH_ADD;
                } else if (is_probe) {
                    hdr.bth.opcode = IB_OP_READ_REQUEST;
                    hdr.reth.setValid();
                    hdr.reth.va = 0;
                    hdr.reth.rkey = 0;
                    hdr.reth.dma_len = 0;
                } else {
                    hdr.bth.opcode = IB_OP_WRITE_ONLY;
                    hdr.reth.setValid();
                    hdr.reth.va = meta.region_va + (meta.offset & 0x7FFFFFFF);
                    hdr.reth.rkey = meta.region_rkey;
                    hdr.reth.dma_len = ((bit<32>) meta.cells) << 3;
                }
            }
            if (meta.emit == 0) {
                ig_dprsr_md.drop_ctl = 1;
            }
        }

        /* ---- The request's headers (protocol 5.1) replace the report's ---- */
        if (meta.emit == 1) {
            hdr.base.setInvalid();
            hdr.kw.setInvalid();
            hdr.value4.setInvalid();
            hdr.value12.setInvalid();
            hdr.value28.setInvalid();
            hdr.ki.setInvalid();
            hdr.pc.setInvalid();
            hdr.ap.setInvalid();
            hdr.sk.setInvalid();
            hdr.deltas[0].setInvalid();
            hdr.deltas[1].setInvalid();
            hdr.deltas[2].setInvalid();
            hdr.deltas[3].setInvalid();
            hdr.deltas[4].setInvalid();
            hdr.deltas[5].setInvalid();
            hdr.deltas[6].setInvalid();
            hdr.deltas[7].setInvalid();
            hdr.deltas[8].setInvalid();
            hdr.deltas[9].setInvalid();
            hdr.deltas[10].setInvalid();
            hdr.deltas[11].setInvalid();
            hdr.deltas[12].setInvalid();
            hdr.deltas[13].setInvalid();
            hdr.deltas[14].setInvalid();
            hdr.deltas[15].setInvalid();

            bit<16> ext = hdr.atomic.isValid() ? 16w28 : 16w16;
            bit<16> udp_len = 8 + 12 + ext + (((bit<16>) meta.cells) << 3) + 4;
            hdr.ipv4.version = 4;
            hdr.ipv4.ihl = 5;
            hdr.ipv4.tos = 0;
            hdr.ipv4.total_len = 20 + udp_len;
            hdr.ipv4.identification = 0;
            hdr.ipv4.flags = 0b010;
            hdr.ipv4.frag_offset = 0;
            hdr.ipv4.ttl = 64;
            hdr.ipv4.protocol = IP_PROTO_UDP;
            hdr.ipv4.src_addr = meta.translator_ip;
            hdr.ipv4.dst_addr = meta.collector_ip;
            hdr.udp.src_port = 0xC000 | ((16w0x0100 + (bit<16>) meta.collector) & 0x3FFF);
            hdr.udp.dst_port = ROCEV2_PORT;
            hdr.udp.length = udp_len;
            hdr.udp.checksum = 0;
            hdr.bth.se = 0;
            hdr.bth.migreq = 0;
            hdr.bth.pad_count = 0;
            hdr.bth.tver = 0;
            hdr.bth.pkey = 0xFFFF;
            hdr.bth.fecn_becn_resv = 0;
            hdr.bth.dst_qp = meta.remote_qpn;
            hdr.bth.reserved = 0;
            /* Tofino has no CRC over a whole packet: the ICRC is sent as zero (docs/p4.md). */
            hdr.icrc.setValid();
            hdr.icrc.icrc = 0;
            if (!timed_out) {
                /* The time-out notice goes to the controller, not to the collector. */
                dta_qp_sent.count(c);
            }
            route = true;
        }

        if (route) {
            ipv4_routes.apply();
        }
        if (timed_out) {
            /* Whatever the route did (forward, drop, or send_to_cpu with reason 6). */
            ig_dprsr_md.drop_ctl = 0;
            ig_tm_md.ucast_egress_port = CPU_PORT;
            meta.cpu_reason = REASON_QUEUE_PAIR_TIMEOUT;
        }

        /* ---- More steps: mirror the report with the plan ---- */
        if (report && meta.drop_reason == 0 && !timed_out
                && step + 1 < meta.plan.data_steps + (bit<8>) meta.plan.probe) {
            meta.plan.step = step + 1;
            ig_dprsr_md.mirror_type = MIRROR_LOOP;
        }

        hdr.bridge.setValid();
        hdr.bridge.kind = BRIDGE_NORMAL;
        hdr.bridge.cpu_reason = meta.cpu_reason;
        hdr.bridge.ingress_port = (bit<16>) ig_intr_md.ingress_port;
    }
}

control IngressDeparser(packet_out pkt, inout headers_t hdr, in metadata_t meta,
                        in ingress_intrinsic_metadata_for_deparser_t ig_dprsr_md) {
    Mirror() mirror;
    Checksum() ipv4_checksum;

    apply {
        if (ig_dprsr_md.mirror_type == MIRROR_LOOP) {
            mirror.emit<loop_h>((MirrorId_t) LOOP_SESSION, meta.plan);
        }
        hdr.ipv4.hdr_checksum = ipv4_checksum.update({
            hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.tos, hdr.ipv4.total_len,
            hdr.ipv4.identification, hdr.ipv4.flags, hdr.ipv4.frag_offset, hdr.ipv4.ttl,
            hdr.ipv4.protocol, hdr.ipv4.src_addr, hdr.ipv4.dst_addr });
        pkt.emit(hdr.bridge);
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.ipv4);
        pkt.emit(hdr.udp);
        pkt.emit(hdr.base);
        pkt.emit(hdr.kw);
        pkt.emit(hdr.value4);
        pkt.emit(hdr.value12);
        pkt.emit(hdr.value28);
        pkt.emit(hdr.ki);
        pkt.emit(hdr.pc);
        pkt.emit(hdr.ap);
        pkt.emit(hdr.sk);
        pkt.emit(hdr.deltas);
        pkt.emit(hdr.bth);
        pkt.emit(hdr.reth);
        pkt.emit(hdr.atomic);
        pkt.emit(hdr.aeth);
        pkt.emit(hdr.cells);
        pkt.emit(hdr.icrc);
    }
}

struct egress_headers_t {
    loop_h loop_in;
    bridge_h bridge;
    packet_in_h packet_in;
    ethernet_h ethernet;
    loop_h loop;
}

parser EgressParser(packet_in pkt, out egress_headers_t hdr, out egress_metadata_t meta,
                    out egress_intrinsic_metadata_t eg_intr_md) {
    state start {
        pkt.extract(eg_intr_md);
        transition select(pkt.lookahead<bit<8>>()) {
            BRIDGE_LOOP: parse_loop_copy;
            default: parse_bridge;
        }
    }
    state parse_bridge {
        pkt.extract(hdr.bridge);
        transition accept;
    }
    /* A mirrored report: the new plan, then the report as it arrived (with its old loop header
     * if it had looped before). */
    state parse_loop_copy {
        pkt.extract(hdr.loop_in);
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.ether_type) {
            ETHERTYPE_DTA_LOOP: parse_old_loop;
            default: accept;
        }
    }
    state parse_old_loop {
        pkt.extract(hdr.loop);
        transition accept;
    }
}

control Egress(inout egress_headers_t hdr, inout egress_metadata_t meta,
               in egress_intrinsic_metadata_t eg_intr_md,
               in egress_intrinsic_metadata_from_parser_t eg_prsr_md,
               inout egress_intrinsic_metadata_for_deparser_t eg_dprsr_md,
               inout egress_intrinsic_metadata_for_output_port_t eg_oport_md) {
    apply {
        if (hdr.loop_in.isValid()) {
            /* Back to ingress through the recirculation port, with the plan as loop header. */
            hdr.loop = hdr.loop_in;
            hdr.ethernet.ether_type = ETHERTYPE_DTA_LOOP;
            hdr.loop_in.setInvalid();
        } else if (hdr.bridge.isValid()) {
            if (eg_intr_md.egress_port == CPU_PORT && hdr.bridge.cpu_reason != 0) {
                hdr.packet_in.setValid();
                hdr.packet_in.ingress_port = hdr.bridge.ingress_port;
                hdr.packet_in.reason = hdr.bridge.cpu_reason;
            }
            hdr.bridge.setInvalid();
        }
    }
}

control EgressDeparser(packet_out pkt, inout egress_headers_t hdr, in egress_metadata_t meta,
                       in egress_intrinsic_metadata_for_deparser_t eg_dprsr_md) {
    apply {
        pkt.emit(hdr.packet_in);
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.loop);
    }
}

Pipeline(IngressParser(), Ingress(), IngressDeparser(),
         EgressParser(), Egress(), EgressDeparser()) pipe;

Switch(pipe) main;

/*
 * DTA translator for BMv2 simple_switch_grpc (v1model).
 *
 * Turns DTA reports (docs/protocol.md section 2) into RoCEv2 RDMA WRITE / FETCH_ADD requests
 * (sections 5 and 6), keeps one RC queue pair per collector, and exposes the control interface
 * of docs/translator-control.md. Target notes and the differences from the software
 * translator: docs/p4.md.
 *
 * One report may need several requests (N Key-Write replicas, N counter rows, up to 16
 * Sketch-Merge counters, a postcard eviction, an Append flush, a liveness probe: a zero-length
 * RDMA READ). Every pass through the pipeline emits at most one request; when more are due, an
 * ingress-to-egress clone of the report (clone session LOOP_SESSION) is recirculated from egress
 * and runs the next step. The step plan is decided on the first pass and travels in the metadata
 * of field list LOOP_FIELDS.
 */
/* The register<T, I> and counter<I> declarations below need the v1model API with index types;
 * p4c's v1model.p4 defaults to 20180101 (register<T>, counter without type parameter). */
#define V1MODEL_VERSION 20200408
#include <core.p4>
#include <v1model.p4>
#include "../include/dta_headers.p4"

/* simple_switch_grpc --cpu-port 255 */
#define CPU_PORT 255
/* The clone session the controller creates with one replica (translator-control.md 5). */
#define LOOP_SESSION 500
#define LOOP_FIELDS 1

/* Postcard cache: 2^16 entries of up to 8 hops. */
#define PC_CACHE_LOG2 16
#define PC_CACHE_SIZE 65536
/* Append: tail registers (translator-control.md) and batch buffers of 16 entries each. */
#define AP_LISTS 65536
#define AP_BUFFER_CELLS 1048576

const bit<32> PKT_INSTANCE_TYPE_INGRESS_CLONE = 1;

@controller_header("packet_in")
header packet_in_h {
    bit<16> ingress_port;
    bit<8>  reason;
}

@controller_header("packet_out")
header packet_out_h {
    bit<16> egress_port;
}

struct headers_t {
    packet_out_h packet_out;
    packet_in_h packet_in;
    ethernet_h ethernet;
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
    /* Step plan, carried from pass to pass (field list LOOP_FIELDS). */
    @field_list(LOOP_FIELDS) bit<8>   step;          /* step this pass runs */
    @field_list(LOOP_FIELDS) bit<8>   data_steps;    /* steps 0..data_steps-1 carry data */
    @field_list(LOOP_FIELDS) bit<1>   probe;         /* step data_steps is a liveness probe */
    @field_list(LOOP_FIELDS) bit<1>   pc_complete;   /* the report completed its flow's path */
    @field_list(LOOP_FIELDS) bit<1>   pc_evict;      /* step 1 writes an evicted flow's row */
    @field_list(LOOP_FIELDS) bit<16>  ev_store;
    @field_list(LOOP_FIELDS) bit<128> ev_key;
    @field_list(LOOP_FIELDS) bit<8>   ev_bitmap;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell0;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell1;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell2;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell3;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell4;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell5;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell6;
    @field_list(LOOP_FIELDS) bit<64>  ev_cell7;
    @field_list(LOOP_FIELDS) bit<32>  ap_pos;        /* Append: position of the entry step 1 writes */
    @field_list(LOOP_FIELDS) bit<48>  arrival;       /* the report's ingress time: a recirculated copy's own is 0 on BMv2 */

    /* Per pass. */
    bit<32>  drop_reason;
    bit<8>   cpu_reason;
    bit<1>   is_local;
    bit<1>   emit;           /* this pass sends a RoCEv2 request */
    bit<1>   rewrite_ip;     /* recompute the IPv4 checksum */
    bit<16>  subj_store;     /* store and key of the request being built */
    bit<128> subj_key;
    bit<8>   kind;           /* store kind (opcode of its primitive), 0 = unknown */
    bit<8>   log2_size;      /* log2 slots / columns / rows / entries */
    bit<8>   unit_bytes;     /* slot bytes / row bytes */
    bit<8>   default_n;      /* default redundancy / rows / hops */
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
    bit<128> rot;
    bit<32>  hash;
    bit<32>  index;
    bit<32>  tag;
    bit<8>   n;
    bit<8>   cells;          /* 8-byte payload cells of a WRITE */
    bit<8>   pc_bitmap;      /* postcard: hops of the flow held after this report */
    bit<32>  pc_entry;       /* postcard: the flow's cache entry */
    bit<1>   ap_idle;        /* Append: the held batch was idle for the flush interval */
}

parser TranslatorParser(packet_in pkt, out headers_t hdr, inout metadata_t meta,
                        inout standard_metadata_t sm) {
    state start {
        transition select(sm.ingress_port) {
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

control TranslatorVerifyChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply { }
}

/* The ICRC of a request (protocol 5.3): CRC-32 over 8 bytes of ones, the IPv4 header with TOS,
 * TTL and checksum set to ones, the UDP header with its checksum set to ones, the BTH with byte 4
 * set to ones, the extension header and the payload; stored least significant byte first.
 * ICRC_WRITE covers BTH (opcode included) + RETH + the payload cells: an RDMA WRITE Only, and
 * with no cell the liveness probe (READ Request, RETH, no payload). */
#define ICRC_PREFIX 64w0xFFFFFFFFFFFFFFFF, \
    hdr.ipv4.version, hdr.ipv4.ihl, 8w0xFF, hdr.ipv4.total_len, hdr.ipv4.identification, \
    hdr.ipv4.flags, hdr.ipv4.frag_offset, 8w0xFF, hdr.ipv4.protocol, 16w0xFFFF, \
    hdr.ipv4.src_addr, hdr.ipv4.dst_addr, \
    hdr.udp.src_port, hdr.udp.dst_port, hdr.udp.length, 16w0xFFFF, \
    hdr.bth.opcode, hdr.bth.se, hdr.bth.migreq, hdr.bth.pad_count, hdr.bth.tver, hdr.bth.pkey, \
    8w0xFF, hdr.bth.dst_qp, hdr.bth.ack_req, hdr.bth.reserved, hdr.bth.psn
#define RETH hdr.reth.va, hdr.reth.rkey, hdr.reth.dma_len
#define C(i) hdr.cells[i].hi, hdr.cells[i].lo
#define ICRC_WRITE(...) hash(crc, HashAlgorithm.crc32, 32w0, { ICRC_PREFIX, RETH __VA_ARGS__ }, 64w4294967296)

control ComputeIcrc(inout headers_t hdr, in metadata_t meta) {
    apply {
        bit<32> crc = 0;
        if (hdr.atomic.isValid()) {
            hash(crc, HashAlgorithm.crc32, 32w0,
                 { ICRC_PREFIX, hdr.atomic.va, hdr.atomic.rkey, hdr.atomic.add_data,
                   hdr.atomic.compare_data }, 64w4294967296);
        } else if (meta.cells == 0) { ICRC_WRITE(); }
        else if (meta.cells == 1) { ICRC_WRITE(, C(0)); }
        else if (meta.cells == 2) { ICRC_WRITE(, C(0), C(1)); }
        else if (meta.cells == 3) { ICRC_WRITE(, C(0), C(1), C(2)); }
        else if (meta.cells == 4) { ICRC_WRITE(, C(0), C(1), C(2), C(3)); }
        else if (meta.cells == 5) { ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4)); }
        else if (meta.cells == 6) { ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5)); }
        else if (meta.cells == 7) { ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6)); }
        else if (meta.cells == 8) { ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7)); }
        else if (meta.cells == 9) {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8));
        } else if (meta.cells == 10) {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9));
        } else if (meta.cells == 11) {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9), C(10));
        } else if (meta.cells == 12) {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9), C(10), C(11));
        } else if (meta.cells == 13) {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9), C(10), C(11),
                       C(12));
        } else if (meta.cells == 14) {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9), C(10), C(11),
                       C(12), C(13));
        } else if (meta.cells == 15) {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9), C(10), C(11),
                       C(12), C(13), C(14));
        } else {
            ICRC_WRITE(, C(0), C(1), C(2), C(3), C(4), C(5), C(6), C(7), C(8), C(9), C(10), C(11),
                       C(12), C(13), C(14), C(15));
        }
        hdr.icrc.icrc = crc[7:0] ++ crc[15:8] ++ crc[23:16] ++ crc[31:24];
    }
}

control TranslatorIngress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t sm) {

    /* ---- Control-plane state (translator-control.md section 2) ---- */
    @name(".Ingress.dta_next_psn") register<bit<32>, bit<32>>(256) dta_next_psn;
    @name(".Ingress.dta_last_acked_psn") register<bit<32>, bit<32>>(256) dta_last_acked_psn;
    @name(".Ingress.dta_qp_up") register<bit<8>, bit<32>>(256) dta_qp_up;
    @name(".Ingress.dta_lost_packets") register<bit<32>, bit<32>>(256) dta_lost_packets;
    @name(".Ingress.dta_append_tail") register<bit<32>, bit<32>>(AP_LISTS) dta_append_tail;

    @name(".Ingress.dta_reports") counter<bit<32>>(8, CounterType.packets_and_bytes) dta_reports;
    @name(".Ingress.dta_drops") counter<bit<32>>(16, CounterType.packets) dta_drops;
    @name(".Ingress.dta_qp_sent") counter<bit<32>>(256, CounterType.packets_and_bytes) dta_qp_sent;
    @name(".Ingress.dta_qp_acks") counter<bit<32>>(256, CounterType.packets) dta_qp_acks;
    @name(".Ingress.dta_qp_naks") counter<bit<32>>(1024, CounterType.packets) dta_qp_naks;
    @name(".Ingress.dta_qp_resyncs") counter<bit<32>>(256, CounterType.packets) dta_qp_resyncs;
    @name(".Ingress.dta_qp_probes") counter<bit<32>>(256, CounterType.packets) dta_qp_probes;

    /* ---- Internal state (docs/p4.md); controllers do not use it ---- */
    /* Queue pair liveness: time of the last reply or probe, unanswered probes. */
    @name(".Ingress.qp_timer") register<bit<48>, bit<32>>(256) qp_timer;
    @name(".Ingress.qp_probes_out") register<bit<8>, bit<32>>(256) qp_probes_out;
    /* Postcard cache entry e: flow key, store id ++ path length ++ hop bitmap, last postcard time,
     * and 8 cells (value ++ check) at 8e..8e+7. */
    @name(".Ingress.pc_key") register<bit<128>, bit<32>>(PC_CACHE_SIZE) pc_key;
    @name(".Ingress.pc_info") register<bit<32>, bit<32>>(PC_CACHE_SIZE) pc_info;
    @name(".Ingress.pc_time") register<bit<48>, bit<32>>(PC_CACHE_SIZE) pc_time;
    @name(".Ingress.pc_cells") register<bit<64>, bit<32>>(PC_CACHE_SIZE * 8) pc_cells;
    /* Append batch of list slot i = tail_base + list: entries held, time of the last append, and
     * the held values at 16i..16i+15. */
    @name(".Ingress.ap_count") register<bit<8>, bit<32>>(AP_LISTS) ap_count;
    @name(".Ingress.ap_time") register<bit<48>, bit<32>>(AP_LISTS) ap_time;
    @name(".Ingress.ap_values") register<bit<32>, bit<32>>(AP_BUFFER_CELLS) ap_values;

    /* ---- Tables the controller writes (translator-control.md section 1) ---- */
    @name(".Ingress.set_key_write_store") action set_key_write_store(bit<8> log2_slots, bit<8> slot_bytes, bit<8> default_redundancy) {
        meta.kind = DTA_OP_KEY_WRITE;
        meta.log2_size = log2_slots;
        meta.unit_bytes = slot_bytes;
        meta.default_n = default_redundancy;
    }
    @name(".Ingress.set_key_increment_store") action set_key_increment_store(bit<8> rows, bit<8> log2_columns) {
        meta.kind = DTA_OP_KEY_INCREMENT;
        meta.default_n = rows;
        meta.log2_size = log2_columns;
    }
    @name(".Ingress.set_postcard_store") action set_postcard_store(bit<8> log2_rows, bit<8> hops, bit<8> row_bytes) {
        meta.kind = DTA_OP_POSTCARD;
        meta.log2_size = log2_rows;
        meta.default_n = hops;
        meta.unit_bytes = row_bytes;
    }
    @name(".Ingress.set_append_store") action set_append_store(bit<32> lists, bit<8> log2_entries, bit<8> batch, bit<32> tail_base) {
        meta.kind = DTA_OP_APPEND;
        meta.lists = lists;
        meta.log2_size = log2_entries;
        meta.batch = batch;
        meta.tail_base = tail_base;
    }
    @name(".Ingress.set_sketch_store") action set_sketch_store(bit<8> rows, bit<8> log2_columns) {
        meta.kind = DTA_OP_SKETCH_MERGE;
        meta.default_n = rows;
        meta.log2_size = log2_columns;
    }
    @name(".Ingress.unknown_store") action unknown_store() {
        meta.kind = 0;
    }
    @name(".Ingress.dta_stores") table dta_stores {
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
    @name(".Ingress.set_collector") action set_collector(bit<8> collector) {
        meta.collector = collector;
        collector_found = true;
    }
    @name(".Ingress.no_collector") action no_collector() {
        collector_found = false;
    }
    @name(".Ingress.dta_collector_select") table dta_collector_select {
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
    @name(".Ingress.set_queue_pair") action set_queue_pair(bit<32> collector_ip, bit<32> translator_ip, bit<24> remote_qpn) {
        meta.collector_ip = collector_ip;
        meta.translator_ip = translator_ip;
        meta.remote_qpn = remote_qpn;
        qp_found = true;
    }
    @name(".Ingress.queue_pair_down") action queue_pair_down() {
        qp_found = false;
    }
    @name(".Ingress.dta_queue_pairs") table dta_queue_pairs {
        key = { meta.collector: exact @name("collector"); }
        actions = {
            set_queue_pair;
            @defaultonly queue_pair_down;
        }
        const default_action = queue_pair_down();
        size = 256;
    }

    bool region_found = false;
    @name(".Ingress.set_region") action set_region(bit<64> va, bit<32> rkey) {
        meta.region_va = va;
        meta.region_rkey = rkey;
        region_found = true;
    }
    @name(".Ingress.no_region") action no_region() {
        region_found = false;
    }
    @name(".Ingress.dta_regions") table dta_regions {
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

    @name(".Ingress.local_address") action local_address() {
        meta.is_local = 1;
    }
    @name(".Ingress.dta_local_addresses") table dta_local_addresses {
        key = { hdr.ipv4.dst_addr: exact @name("dst_addr"); }
        actions = {
            local_address;
            @defaultonly NoAction;
        }
        const default_action = NoAction();
        size = 64;
    }

    @name(".Ingress.forward") action forward(bit<9> port, bit<48> src_mac, bit<48> dst_mac) {
        sm.egress_spec = port;
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
    }
    @name(".Ingress.send_to_cpu") action send_to_cpu() {
        sm.egress_spec = CPU_PORT;
        meta.cpu_reason = REASON_TO_CPU;
    }
    @name(".Ingress.drop") action drop() {
        mark_to_drop(sm);
    }
    @name(".Ingress.ipv4_routes") table ipv4_routes {
        key = { hdr.ipv4.dst_addr: lpm @name("dst_addr"); }
        actions = {
            forward;
            send_to_cpu;
            drop;
        }
        const default_action = drop();
        size = 1024;
    }

    @name(".Ingress.set_settings") action set_settings(bit<8> ack_interval_log2, bit<32> flush_interval_us, bit<16> probe_interval_ms) {
        meta.ack_log2 = ack_interval_log2;
        meta.flush_us = flush_interval_us;
        meta.probe_ms = probe_interval_ms;
    }
    @name(".Ingress.dta_settings") table dta_settings {
        actions = { set_settings; }
        default_action = set_settings(6, 1000, 100);
        size = 1;
    }

    /* ---- Helpers (hidden from the control plane) ----
     * Actions called from the apply block hold no conditional: p4c's Predication pass (run by
     * p4test and p4c-bm2-ss) rejects an extern call under an if inside an action, so the
     * conditional parts (drop counting, PSNs) are written in the apply block. */

    /* CRC-32 of the 16-byte key rotated left by r bytes (protocol section 3), into meta.hash:
     * the upper half of (k ++ k) << 8r is k rotated left by 8r bits (r = 0..15). Tags use r = 1. */
    @hidden action hash_rotation(in bit<128> k, in bit<8> r) {
        bit<256> twice = (k ++ k) << (r << 3);
        meta.rot = twice[255:128];
        hash(meta.hash, HashAlgorithm.crc32, 32w0, { meta.rot }, 64w4294967296);
    }

    /* index(k, j, log2) of protocol section 3 (store format 2) into meta.index, the mixed word
     * into meta.hash: mix(crc32(k) ^ salt(j)) with salt(j) = (j + 1) * 0x9E3779B9; j = 0..7 are
     * replicas, j = 8 the bucket. One CRC unit (plain crc32, no custom parameters: BMv2 sets
     * those only through its Thrift CLI, not P4Runtime), then ALU work only (dta_headers.p4). */
    @hidden action key_index(in bit<128> k, in bit<8> j, in bit<8> log2) {
        bit<32> x;
        hash(x, HashAlgorithm.crc32, 32w0, { k }, 64w4294967296);
        x = dta_mix(x ^ (((bit<32>) j + 1) * DTA_SALT_STEP));
        meta.hash = x;
        meta.index = x & ((32w1 << log2) - 1);
    }

#define PUT_CELL(j, v) cell_out = v; hdr.cells[j].setValid(); \
    hdr.cells[j].hi = cell_out[63:32]; hdr.cells[j].lo = cell_out[31:0]

    apply {
        bool route = false;        /* apply ipv4_routes to hdr.ipv4.dst_addr at the end */
        /* Every UDP datagram to the report port is a report (protocol 2.1), also one too short
         * for the base header (dropped as truncated, 2.5). */
        bool report = hdr.udp.isValid() && hdr.udp.dst_port == DTA_REPORT_PORT && !hdr.packet_out.isValid();
        bool roce_local = false;
        bool need_qp = false;
        bit<64> cell = 0;          /* a postcard report's own cell: value ++ check */
        bit<64> cell_out;
        bit<8> hops = 0;
        /* Append buffer of the report's list, read before it changes. */
        bit<32> v0 = 0; bit<32> v1 = 0; bit<32> v2 = 0; bit<32> v3 = 0;
        bit<32> v4 = 0; bit<32> v5 = 0; bit<32> v6 = 0; bit<32> v7 = 0;
        bit<32> v8 = 0; bit<32> v9 = 0; bit<32> v10 = 0; bit<32> v11 = 0;
        bit<32> v12 = 0; bit<32> v13 = 0; bit<32> v14 = 0; bit<32> v15 = 0;

        dta_settings.apply();
        if (meta.step == 0) {
            meta.arrival = sm.ingress_global_timestamp;
        }
        meta.drop_reason = 0;
        meta.cpu_reason = 0;
        meta.emit = 0;
        meta.cells = 0;

        /* ---- Classify ---- */
        if (hdr.packet_out.isValid()) {
            /* PacketOut: a whole frame; port 0 means route it by its IPv4 destination. */
            if (hdr.packet_out.egress_port != 0) {
                sm.egress_spec = (bit<9>) hdr.packet_out.egress_port;
            } else if (hdr.ipv4.isValid()) {
                route = true;
            } else {
                mark_to_drop(sm);
            }
            hdr.packet_out.setInvalid();
        } else if (!hdr.ipv4.isValid()) {
            /* ARP and everything else that is not IPv4 goes to the controller. */
            sm.egress_spec = CPU_PORT;
            meta.cpu_reason = REASON_TO_CPU;
        } else if (!report) {
            dta_local_addresses.apply();
            if (meta.is_local == 0) {
                route = true;
            } else {
                sm.egress_spec = CPU_PORT;
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

        /* ---- A report, pass meta.step of its plan: validation (protocol 2.5) ---- */
        bit<8> opcode = hdr.base.opcode;
        /* Step 1 of a postcard eviction writes the evicted flow's row: its own subject. */
        bool eviction_step = meta.step == 1 && meta.pc_evict == 1;
        if (report) {
            bit<32> needed = 4;
            if (opcode == DTA_OP_KEY_WRITE) { needed = 24 + (bit<32>) hdr.kw.value_len; }
            else if (opcode == DTA_OP_KEY_INCREMENT) { needed = 32; }
            else if (opcode == DTA_OP_POSTCARD) { needed = 28; }
            else if (opcode == DTA_OP_APPEND) { needed = 12; }
            else if (opcode == DTA_OP_SKETCH_MERGE) { needed = 12 + 4 * (bit<32>) hdr.sk.count; }

            meta.subj_store = hdr.base.store_id;
            if (opcode == DTA_OP_KEY_WRITE) { meta.subj_key = hdr.kw.key; }
            else if (opcode == DTA_OP_KEY_INCREMENT) { meta.subj_key = hdr.ki.key; }
            else if (opcode == DTA_OP_POSTCARD) { meta.subj_key = hdr.pc.key; }
            if (eviction_step) {
                meta.subj_store = meta.ev_store;
                meta.subj_key = meta.ev_key;
            }

            if (sm.parser_error != error.NoError || (bit<32>) hdr.udp.length < 8 + needed) {
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

            /* Primitive checks (the eviction step was checked on its first pass). */
            if (meta.drop_reason == 0 && !eviction_step) {
                if (opcode == DTA_OP_KEY_WRITE) {
                    meta.n = hdr.kw.redundancy == 0 ? meta.default_n : hdr.kw.redundancy;
                    if (hdr.kw.value_len != meta.unit_bytes - 4) {
                        meta.drop_reason = DROP_BAD_VALUE_LENGTH;
                    } else if (hdr.kw.redundancy > 8) {
                        meta.drop_reason = DROP_REDUNDANCY;
                    }
                } else if (opcode == DTA_OP_KEY_INCREMENT) {
                    meta.n = hdr.ki.redundancy == 0 ? meta.default_n : hdr.ki.redundancy;
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
                    meta.n = hdr.sk.count;
                }
            } else if (meta.drop_reason == 0 && meta.kind != DTA_OP_POSTCARD) {
                /* The evicted flow's store is gone or changed kind: nothing to write. */
                meta.drop_reason = DROP_UNKNOWN_STORE;
            }

            /* Bucket and collector (protocol section 8). */
            if (meta.drop_reason == 0) {
                if (opcode == DTA_OP_APPEND) {
                    bucket = hdr.ap.list_id[7:0];
                } else if (opcode == DTA_OP_SKETCH_MERGE) {
                    bucket = hdr.sk.column[11:4];
                } else {
                    key_index(meta.subj_key, 8, 8);
                    bucket = meta.index[7:0];
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

        /* ---- RoCEv2 to a translator queue pair: replies (protocol 5.6) ---- */
        if (roce_local && qp_found) {
            bit<32> c = (bit<32>) meta.collector;
            bit<32> npsn;
            bit<32> acked;
            bit<32> lost;
            bit<8> up;
            dta_next_psn.read(npsn, c);
            dta_last_acked_psn.read(acked, c);
            dta_lost_packets.read(lost, c);
            dta_qp_up.read(up, c);
            /* Which replies count (protocol 5.6): only from the queue pair's collector, and naming
             * a PSN outstanding, in (last acknowledged, next PSN - 1]; a sequence NAK may also name
             * the next PSN (nothing lost). Anything else is spoofed or stale: dropped, it changes
             * nothing (a resync from it could count up to 2^24 lost requests). */
            bit<24> outstanding = npsn[23:0] - 1 - acked[23:0];
            bit<24> since_acked = hdr.bth.psn - acked[23:0];
            bool in_window = since_acked != 0 && since_acked <= outstanding;
            bool sequence_nak = hdr.aeth.isValid() && hdr.aeth.syndrome == 0x60;
            meta.cpu_reason = 0;
            mark_to_drop(sm);
            if (hdr.ipv4.src_addr != meta.collector_ip) {
                /* Not from the queue pair's collector: ignored. */
            } else if (hdr.bth.opcode >= IB_OP_READ_RESPONSE_FIRST && hdr.bth.opcode <= IB_OP_READ_RESPONSE_ONLY) {
                /* READ responses: the controller's own READs while the queue pair is down; on a
                 * queue pair that is up the translator's only READ is the liveness probe. */
                if (up != 1) {
                    meta.cpu_reason = REASON_READ_RESPONSE;
                } else if (hdr.bth.opcode == IB_OP_READ_RESPONSE_ONLY && in_window) {
                    /* A probe's answer: alive, everything up to the probe's PSN arrived. */
                    dta_last_acked_psn.write(c, (bit<32>) hdr.bth.psn);
                    qp_timer.write(c, sm.ingress_global_timestamp);
                    qp_probes_out.write(c, 0);
                }
            } else if (!hdr.aeth.isValid()) {
                meta.cpu_reason = REASON_TO_CPU;
            } else if (!in_window && !(sequence_nak && hdr.bth.psn == npsn[23:0])) {
                /* Outside the window: ignored. */
            } else if (up != 1) {
                /* The queue pair went down with these requests counted lost; an ACK that was in
                 * flight takes the ones it acknowledges back out of that count. */
                if (hdr.aeth.syndrome[7:5] == 0) {
                    dta_lost_packets.write(c, lost - (bit<32>) since_acked);
                    dta_last_acked_psn.write(c, (bit<32>) hdr.bth.psn);
                }
            } else {
                if (hdr.aeth.syndrome[7:5] == 0) {
                    /* ACK or ATOMIC ACK: everything up to its PSN arrived. It never moves the
                     * next PSN (a late ACK names an old PSN). */
                    dta_qp_acks.count(c);
                    dta_last_acked_psn.write(c, (bit<32>) hdr.bth.psn);
                } else if (hdr.aeth.syndrome[7:5] == 3) {
                    dta_qp_naks.count(c * 4 + (bit<32>) hdr.aeth.syndrome[1:0]);
                    if (hdr.aeth.syndrome[4:0] == 0) {
                        /* PSN sequence error (also the answer to a probe sent after a gap): go
                         * on from the PSN the responder expects; what was sent from there on is
                         * lost (at most the PSNs outstanding, by the window check). */
                        dta_lost_packets.write(c, lost + (bit<32>) (npsn[23:0] - hdr.bth.psn));
                        dta_next_psn.write(c, (bit<32>) hdr.bth.psn);
                        dta_last_acked_psn.write(c, (bit<32>) (hdr.bth.psn - 1));
                        dta_qp_resyncs.count(c);
                    } else {
                        /* The responder put the queue pair in error: down, the requests
                         * outstanding counted lost, and the controller told. */
                        dta_lost_packets.write(c, lost + (bit<32>) outstanding);
                        dta_qp_up.write(c, 0);
                        sm.egress_spec = CPU_PORT;
                        meta.cpu_reason = REASON_QUEUE_PAIR_ERROR;
                    }
                }
                qp_timer.write(c, sm.ingress_global_timestamp);
                qp_probes_out.write(c, 0);
            }
            if (meta.cpu_reason == REASON_READ_RESPONSE || meta.cpu_reason == REASON_TO_CPU) {
                sm.egress_spec = CPU_PORT;
            }
        }

        /* ---- A report: queue pair, data offset and region of this step ---- */
        if (report && meta.drop_reason == 0) {
            bit<8> up;
            dta_qp_up.read(up, (bit<32>) meta.collector);
            if (!qp_found || up != 1) {
                meta.drop_reason = DROP_QUEUE_PAIR_DOWN;
            }
        }
        if (report && meta.drop_reason == 0) {
            bit<8> s = meta.step < meta.data_steps ? meta.step : 0;
            if (opcode == DTA_OP_KEY_WRITE) {
                key_index(meta.subj_key, s, meta.log2_size);
                meta.offset = (bit<64>) meta.index * (bit<64>) meta.unit_bytes;
            } else if (opcode == DTA_OP_KEY_INCREMENT) {
                key_index(meta.subj_key, s, meta.log2_size);
                meta.offset = ((((bit<64>) s) << meta.log2_size) + (bit<64>) meta.index) << 3;
            } else if (opcode == DTA_OP_SKETCH_MERGE) {
                meta.offset = ((((bit<64>) hdr.sk.row) << meta.log2_size) + (bit<64>) hdr.sk.column
                               + (bit<64>) s) << 3;
            } else if (opcode == DTA_OP_POSTCARD) {
                /* This report's cell: value ++ tag(flow key, hop ++ value). */
                hash_rotation(hdr.pc.key, 1);
                hash(meta.tag, HashAlgorithm.crc32, 32w0, { meta.rot, hdr.pc.hop, hdr.pc.value },
                     64w4294967296);
                cell = hdr.pc.value ++ (meta.tag | 1);
                key_index(meta.subj_key, 0, meta.log2_size);
                meta.offset = (bit<64>) meta.index * (bit<64>) meta.unit_bytes;
            } else {
                /* The first entry of the batch this report's steps write: on the first pass the
                 * oldest held entry (tail - held; the tail itself when nothing is held), on a
                 * later pass the position the plan carries. Its segment gives the rkey. */
                bit<32> first_pos = meta.ap_pos;
                if (meta.step == 0) {
                    bit<32> tail;
                    bit<8> held;
                    dta_append_tail.read(tail, meta.tail_base + hdr.ap.list_id);
                    ap_count.read(held, meta.tail_base + hdr.ap.list_id);
                    first_pos = tail - (bit<32>) held;
                }
                meta.offset = ((((bit<64>) hdr.ap.list_id) << meta.log2_size)
                               + (bit<64>) (first_pos & ((32w1 << meta.log2_size) - 1))) << 3;
            }
            meta.segment = meta.offset[38:31];
            dta_regions.apply();
            if (!region_found) {
                meta.drop_reason = DROP_NO_REGION;
            }
        }
        if (report && meta.drop_reason != 0) {
            /* A report is counted once, on its first pass (the drop counter, protocol 2.5). */
            mark_to_drop(sm);
            if (meta.step == 0) {
                dta_drops.count(meta.drop_reason);
            }
        }

        /* ---- First pass: liveness, the primitive's state, the plan ---- */
        if (report && meta.drop_reason == 0 && meta.step == 0) {
            meta.probe = 0;
            meta.pc_complete = 0;
            meta.pc_evict = 0;
            meta.data_steps = 0;

            /* Liveness (protocol 5.6): probe a queue pair whose requests went unanswered. */
            bit<32> c = (bit<32>) meta.collector;
            bit<32> npsn;
            bit<32> acked;
            bit<48> since;
            bit<8> probes;
            dta_next_psn.read(npsn, c);
            dta_last_acked_psn.read(acked, c);
            qp_timer.read(since, c);
            qp_probes_out.read(probes, c);
            bool outstanding = ((npsn - 1 - acked) & 0xFFFFFF) != 0;
            bool due = outstanding
                       && sm.ingress_global_timestamp - since >= (bit<48>) meta.probe_ms * 1000;
            if (due && probes >= 3) {
                /* Three probes went unanswered: the queue pair is down, the report is dropped,
                 * and the controller gets the probe that would have been the fourth. The count
                 * starts again at 0 for the queue pair the controller connects next. The
                 * requests outstanding are counted lost (protocol 5.6, queue pair down). */
                bit<32> lost;
                dta_lost_packets.read(lost, c);
                dta_lost_packets.write(c, lost + ((npsn - 1 - acked) & 0xFFFFFF));
                dta_qp_up.write(c, 0);
                qp_probes_out.write(c, 0);
                dta_drops.count(DROP_QUEUE_PAIR_DOWN);
                meta.cpu_reason = REASON_QUEUE_PAIR_TIMEOUT;
                meta.probe = 1;
            } else {
                dta_reports.count((bit<32>) opcode);
                if (due) {
                    meta.probe = 1;
                    qp_probes_out.write(c, probes + 1);
                    qp_timer.write(c, sm.ingress_global_timestamp);
                    dta_qp_probes.count(c);
                }
            }

            if (meta.cpu_reason != 0) {
                /* No data step. */
            } else if (opcode == DTA_OP_KEY_WRITE || opcode == DTA_OP_KEY_INCREMENT
                    || opcode == DTA_OP_SKETCH_MERGE) {
                meta.data_steps = meta.n;
            } else if (opcode == DTA_OP_POSTCARD) {
                /* Postcard cache (protocol 6.3), entry index(F, 0, log2 PC_CACHE_SIZE). */
                key_index(hdr.pc.key, 0, PC_CACHE_LOG2);
                bit<32> e = meta.index;
                bit<128> held_key;
                bit<32> info;
                bit<48> last_ts;
                pc_key.read(held_key, e);
                pc_info.read(info, e);
                pc_time.read(last_ts, e);
                bit<8> bitmap = info[7:0];
                bit<8> plen = info[15:8];
                bool held = bitmap != 0;
                bool same = held && held_key == hdr.pc.key && info[31:16] == hdr.base.store_id
                            && sm.ingress_global_timestamp - last_ts < (bit<48>) meta.flush_us;
                if (held && !same) {
                    /* Another flow, or this flow idle for the flush interval: evict it. */
                    meta.pc_evict = 1;
                    meta.ev_store = info[31:16];
                    meta.ev_key = held_key;
                    meta.ev_bitmap = bitmap;
                    pc_cells.read(meta.ev_cell0, e << 3);
                    pc_cells.read(meta.ev_cell1, (e << 3) + 1);
                    pc_cells.read(meta.ev_cell2, (e << 3) + 2);
                    pc_cells.read(meta.ev_cell3, (e << 3) + 3);
                    pc_cells.read(meta.ev_cell4, (e << 3) + 4);
                    pc_cells.read(meta.ev_cell5, (e << 3) + 5);
                    pc_cells.read(meta.ev_cell6, (e << 3) + 6);
                    pc_cells.read(meta.ev_cell7, (e << 3) + 7);
                }
                if (same) {
                    bitmap = bitmap | (8w1 << hdr.pc.hop);
                } else {
                    bitmap = 8w1 << hdr.pc.hop;
                    plen = hops;
                }
                bit<8> full = (bit<8>) ((9w1 << plen) - 1);
                pc_cells.write((e << 3) + (bit<32>) hdr.pc.hop, cell);
                if ((bitmap & full) == full) {
                    meta.pc_complete = 1;
                    pc_info.write(e, 0);
                } else {
                    pc_key.write(e, hdr.pc.key);
                    pc_info.write(e, hdr.base.store_id ++ plen ++ bitmap);
                    pc_time.write(e, sm.ingress_global_timestamp);
                }
                meta.pc_bitmap = bitmap;
                meta.pc_entry = e;
                /* Without eviction: step 0 writes this flow's row if complete. With eviction:
                 * step 0 writes nothing, step 1 the evicted row, step 2 this flow's one-hop row. */
                if (meta.pc_evict == 1) {
                    meta.data_steps = 2 + (bit<8>) meta.pc_complete;
                } else {
                    meta.data_steps = (bit<8>) meta.pc_complete;
                }
            } else {
                /* Append batching (protocol 6.4), list slot tail_base + list. */
                bit<32> slot = meta.tail_base + hdr.ap.list_id;
                bit<32> tail;
                bit<8> held;
                bit<48> last_ts;
                dta_append_tail.read(tail, slot);
                ap_count.read(held, slot);
                ap_time.read(last_ts, slot);
                ap_values.read(v0, slot << 4);
                ap_values.read(v1, (slot << 4) + 1);
                ap_values.read(v2, (slot << 4) + 2);
                ap_values.read(v3, (slot << 4) + 3);
                ap_values.read(v4, (slot << 4) + 4);
                ap_values.read(v5, (slot << 4) + 5);
                ap_values.read(v6, (slot << 4) + 6);
                ap_values.read(v7, (slot << 4) + 7);
                ap_values.read(v8, (slot << 4) + 8);
                ap_values.read(v9, (slot << 4) + 9);
                ap_values.read(v10, (slot << 4) + 10);
                ap_values.read(v11, (slot << 4) + 11);
                ap_values.read(v12, (slot << 4) + 12);
                ap_values.read(v13, (slot << 4) + 13);
                ap_values.read(v14, (slot << 4) + 14);
                ap_values.read(v15, (slot << 4) + 15);
                bool idle = held != 0 && sm.ingress_global_timestamp - last_ts >= (bit<48>) meta.flush_us;
                /* A batch ends at the ring's end, and also at a 2 GiB segment boundary inside a
                 * ring of more than 2^28 entries, so that no write spans two segments (rkeys). */
                bit<8> seg_log2 = meta.log2_size > 28 ? 8w28 : meta.log2_size;
                bool ring_end = ((tail + 1) & ((32w1 << seg_log2) - 1)) == 0;
                dta_append_tail.write(slot, tail + 1);
                ap_time.write(slot, sm.ingress_global_timestamp);
                meta.ap_pos = tail;
                meta.ap_idle = idle ? 1w1 : 1w0;
                if (idle) {
                    /* Step 0 writes the held batch (positions tail - held .. tail - 1); the new
                     * entry starts a new batch, written at once by step 1 if it must be. */
                    meta.n = held;
                    meta.data_steps = 1;
                    if (meta.batch == 1 || ring_end) {
                        meta.data_steps = 2;
                        ap_count.write(slot, 0);
                    } else {
                        ap_values.write(slot << 4, hdr.ap.value);
                        ap_count.write(slot, 1);
                    }
                } else if (held + 1 == meta.batch || ring_end) {
                    /* Step 0 writes the batch with the new entry (positions tail + 1 - n .. tail). */
                    meta.n = held + 1;
                    meta.data_steps = 1;
                    ap_count.write(slot, 0);
                } else {
                    ap_values.write((slot << 4) + (bit<32>) held, hdr.ap.value);
                    ap_count.write(slot, held + 1);
                }
            }
        }

        /* ---- Build this step's request ---- */
        bit<8> step = meta.step;
        bool is_probe = false;
        /* This pass is the notice of a queue pair that timed out (set on the first pass). */
        bool timed_out = meta.cpu_reason == REASON_QUEUE_PAIR_TIMEOUT;
        if (report && meta.drop_reason == 0) {
            if (meta.probe == 1 && step == meta.data_steps) {
                /* Probe (protocol 5.6): an RDMA READ Request of length 0 at the next PSN; the
                 * headers are filled below with the PSN. */
                meta.emit = 1;
                is_probe = true;
            } else if (step < meta.data_steps) {
                meta.emit = 1;
                if (opcode == DTA_OP_KEY_WRITE) {
                    /* The slot: tag(K, V) ++ V. */
                    hash_rotation(hdr.kw.key, 1);
                    if (hdr.kw.value_len == 4) {
                        hash(meta.tag, HashAlgorithm.crc32, 32w0, { meta.rot, hdr.value4.value }, 64w4294967296);
                        PUT_CELL(0, (meta.tag | 1) ++ hdr.value4.value);
                        meta.cells = 1;
                    } else if (hdr.kw.value_len == 12) {
                        hash(meta.tag, HashAlgorithm.crc32, 32w0, { meta.rot, hdr.value12.value }, 64w4294967296);
                        PUT_CELL(0, (meta.tag | 1) ++ hdr.value12.value[95:64]);
                        PUT_CELL(1, hdr.value12.value[63:0]);
                        meta.cells = 2;
                    } else {
                        hash(meta.tag, HashAlgorithm.crc32, 32w0, { meta.rot, hdr.value28.value }, 64w4294967296);
                        PUT_CELL(0, (meta.tag | 1) ++ hdr.value28.value[223:192]);
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
                        /* Delta j = step, by constant stack indices. */
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
                } else if (opcode == DTA_OP_POSTCARD && step == 0 && meta.pc_evict == 1) {
                    /* Step 0 of an eviction writes nothing. */
                    meta.emit = 0;
                } else if (opcode == DTA_OP_POSTCARD) {
                    /* A row: the cells of the hops present, zero for the others. */
                    bit<8> bitmap = meta.ev_bitmap;
                    bit<64> c0 = meta.ev_cell0;
                    bit<64> c1 = meta.ev_cell1;
                    bit<64> c2 = meta.ev_cell2;
                    bit<64> c3 = meta.ev_cell3;
                    bit<64> c4 = meta.ev_cell4;
                    bit<64> c5 = meta.ev_cell5;
                    bit<64> c6 = meta.ev_cell6;
                    bit<64> c7 = meta.ev_cell7;
                    if (step == 0) {
                        /* This flow completed its path: the cache's cells of the flow. */
                        bitmap = meta.pc_bitmap;
                        pc_cells.read(c0, meta.pc_entry << 3);
                        pc_cells.read(c1, (meta.pc_entry << 3) + 1);
                        pc_cells.read(c2, (meta.pc_entry << 3) + 2);
                        pc_cells.read(c3, (meta.pc_entry << 3) + 3);
                        pc_cells.read(c4, (meta.pc_entry << 3) + 4);
                        pc_cells.read(c5, (meta.pc_entry << 3) + 5);
                        pc_cells.read(c6, (meta.pc_entry << 3) + 6);
                        pc_cells.read(c7, (meta.pc_entry << 3) + 7);
                    } else if (step == 2) {
                        /* After an eviction, a one-hop path completed by this report alone. */
                        bitmap = 8w1 << hdr.pc.hop;
                        c0 = cell;
                    }
                    meta.cells = meta.unit_bytes >> 3;
                    PUT_CELL(0, bitmap[0:0] == 1 ? c0 : 64w0);
                    if (meta.cells >= 2) {
                        PUT_CELL(1, bitmap[1:1] == 1 ? c1 : 64w0);
                    }
                    if (meta.cells >= 4) {
                        PUT_CELL(2, bitmap[2:2] == 1 ? c2 : 64w0);
                        PUT_CELL(3, bitmap[3:3] == 1 ? c3 : 64w0);
                    }
                    if (meta.cells >= 8) {
                        PUT_CELL(4, bitmap[4:4] == 1 ? c4 : 64w0);
                        PUT_CELL(5, bitmap[5:5] == 1 ? c5 : 64w0);
                        PUT_CELL(6, bitmap[6:6] == 1 ? c6 : 64w0);
                        PUT_CELL(7, bitmap[7:7] == 1 ? c7 : 64w0);
                    }
                } else {
                    /* Append: entries (sequence = position + 1, value) from position first. */
                    bit<32> first = meta.ap_pos;
                    if (step == 0) {
                        meta.cells = meta.n;
                        first = meta.ap_idle == 1 ? meta.ap_pos - (bit<32>) meta.n
                                                  : meta.ap_pos + 1 - (bit<32>) meta.n;
                        if (meta.ap_idle == 0) {
                            /* The new entry is the last of the batch. */
                            if (meta.n == 1) { v0 = hdr.ap.value; }
                            if (meta.n == 2) { v1 = hdr.ap.value; }
                            if (meta.n == 3) { v2 = hdr.ap.value; }
                            if (meta.n == 4) { v3 = hdr.ap.value; }
                            if (meta.n == 5) { v4 = hdr.ap.value; }
                            if (meta.n == 6) { v5 = hdr.ap.value; }
                            if (meta.n == 7) { v6 = hdr.ap.value; }
                            if (meta.n == 8) { v7 = hdr.ap.value; }
                            if (meta.n == 9) { v8 = hdr.ap.value; }
                            if (meta.n == 10) { v9 = hdr.ap.value; }
                            if (meta.n == 11) { v10 = hdr.ap.value; }
                            if (meta.n == 12) { v11 = hdr.ap.value; }
                            if (meta.n == 13) { v12 = hdr.ap.value; }
                            if (meta.n == 14) { v13 = hdr.ap.value; }
                            if (meta.n == 15) { v14 = hdr.ap.value; }
                            if (meta.n == 16) { v15 = hdr.ap.value; }
                        }
                    } else {
                        /* Step 1: the new entry alone. */
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
                /* The request's PSN, the queue pair's next one (protocol 5.6), with AckReq when
                 * PSN mod 2^ack_interval_log2 = 0: a FETCH_ADD, an RDMA WRITE Only of the cells,
                 * or the probe (READ Request, va 0, rkey 0, length 0). The probe that goes to the
                 * controller instead (queue pair timed out) carries the next PSN without taking it. */
                bit<32> c = (bit<32>) meta.collector;
                bit<32> npsn;
                bit<32> acked;
                dta_next_psn.read(npsn, c);
                dta_last_acked_psn.read(acked, c);
                if (!timed_out) {
                    if (((npsn - 1 - acked) & 0xFFFFFF) == 0) {
                        /* Nothing was outstanding: the probe interval starts now (at the report's
                         * arrival: this may be a recirculated pass). */
                        qp_timer.write(c, meta.arrival);
                    }
                    dta_next_psn.write(c, (npsn + 1) & 0xFFFFFF);
                }
                hdr.bth.setValid();
                hdr.bth.psn = npsn[23:0];
                hdr.bth.ack_req = (npsn[23:0] & ((24w1 << meta.ack_log2) - 1)) == 0 ? 1w1 : 1w0;
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
                mark_to_drop(sm);
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
            hdr.icrc.setValid();
            meta.rewrite_ip = 1;
            if (!timed_out) {
                /* The time-out notice goes to the controller, not to the collector. */
                dta_qp_sent.count((bit<32>) meta.collector);
            }
            route = true;
        }

        if (route) {
            ipv4_routes.apply();
        }
        if (timed_out) {
            /* Whatever the route did (forward, drop, or send_to_cpu with reason 6). */
            sm.egress_spec = CPU_PORT;
            meta.cpu_reason = REASON_QUEUE_PAIR_TIMEOUT;
        }

        /* ---- More steps: a copy of the report runs the next one ---- */
        if (report && meta.drop_reason == 0 && !timed_out
                && step + 1 < meta.data_steps + (bit<8>) meta.probe) {
            meta.step = step + 1;
            clone_preserving_field_list(CloneType.I2E, LOOP_SESSION, LOOP_FIELDS);
        }
    }
}

control TranslatorEgress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t sm) {
    ComputeIcrc() icrc_calc;

    apply {
        if (sm.instance_type == PKT_INSTANCE_TYPE_INGRESS_CLONE) {
            /* The report's copy for the next step goes back to ingress. */
            recirculate_preserving_field_list(LOOP_FIELDS);
        } else {
            if (hdr.icrc.isValid()) {
                icrc_calc.apply(hdr, meta);
            }
            if (sm.egress_port == CPU_PORT && meta.cpu_reason != 0) {
                hdr.packet_in.setValid();
                hdr.packet_in.ingress_port = (bit<16>) sm.ingress_port;
                hdr.packet_in.reason = meta.cpu_reason;
            }
            if (hdr.icrc.isValid()) {
                /* A request: bytes of the report past its headers are not part of it. Set in
                 * egress, once the length is final: a probe that goes to the controller carries
                 * the 3-byte PacketIn header in front. */
                bit<32> len = 14 + 20 + (bit<32>) hdr.udp.length;
                if (hdr.packet_in.isValid()) {
                    len = len + 3;
                }
                truncate(len);
            }
        }
    }
}

control TranslatorComputeChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply {
        update_checksum(meta.rewrite_ip == 1,
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.tos, hdr.ipv4.total_len,
              hdr.ipv4.identification, hdr.ipv4.flags, hdr.ipv4.frag_offset, hdr.ipv4.ttl,
              hdr.ipv4.protocol, hdr.ipv4.src_addr, hdr.ipv4.dst_addr },
            hdr.ipv4.hdr_checksum, HashAlgorithm.csum16);
    }
}

control TranslatorDeparser(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.packet_in);
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

V1Switch(TranslatorParser(), TranslatorVerifyChecksum(), TranslatorIngress(), TranslatorEgress(),
         TranslatorComputeChecksum(), TranslatorDeparser()) main;

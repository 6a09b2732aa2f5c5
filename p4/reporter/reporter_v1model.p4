/*
 * DTA reporter for BMv2 simple_switch_grpc (v1model): an IPv4 switch that reports on the flows
 * the controller selects, as DTA reports (docs/protocol.md section 2) sent to the translator:
 *   - a Postcard per hop: value = switch id << 24 | min(queue depth, 2^24 - 1);
 *   - a Key-Write of the flow's last queue depth (4-byte value: the queue depth in packets);
 *   - a Key-Increment of the flow's bytes (IPv4 total length);
 *   - an Append of drop events (a packet with no route) and congestion events (queue depth at
 *     or over a threshold): value = event << 24 | switch id << 16 | low 16 bits of queue depth.
 * Control-plane names: docs/p4.md, net.dta.protocol.p4.ReporterP4Names.
 *
 * Flows are selected and reports built in egress, where the queue depth is known: a monitored
 * packet is cloned egress-to-egress (clone session REPORT_SESSION, whose replica port is the
 * port towards the translator) and each copy becomes one report, cloning itself for the next.
 */
/* counter<I> below needs the v1model API with index types (p4c's default is 20180101). */
#define V1MODEL_VERSION 20200408
#include <core.p4>
#include <v1model.p4>
#include "../include/dta_headers.p4"

#define CPU_PORT 255
#define REPORT_SESSION 501
#define REPORT_FIELDS 1

const bit<32> PKT_INSTANCE_TYPE_INGRESS_CLONE = 1;
const bit<32> PKT_INSTANCE_TYPE_EGRESS_CLONE = 2;
const bit<8> STEP_POSTCARD = 1;
const bit<8> STEP_QUEUE = 2;
const bit<8> STEP_BYTES = 3;
const bit<8> STEP_EVENT = 4;
const bit<8> EVENT_DROP = 1;
const bit<8> EVENT_CONGESTION = 2;

header l4_ports_h {
    bit<16> src_port;
    bit<16> dst_port;
}

struct headers_t {
    ethernet_h ethernet;
    ipv4_h ipv4;
    l4_ports_h ports;
    udp_h udp;
    dta_base_h base;
    dta_postcard_h pc;
    dta_key_write_h kw;
    dta_value4_h value4;
    dta_key_increment_h ki;
    dta_append_h ap;
}

struct metadata_t {
    @field_list(REPORT_FIELDS) bit<8>   step;        /* report this copy becomes */
    @field_list(REPORT_FIELDS) bit<128> flow_key;
    @field_list(REPORT_FIELDS) bit<16>  postcard_store;
    @field_list(REPORT_FIELDS) bit<16>  queue_store;
    @field_list(REPORT_FIELDS) bit<16>  bytes_store;
    @field_list(REPORT_FIELDS) bit<8>   hop;
    @field_list(REPORT_FIELDS) bit<8>   path_len;
    @field_list(REPORT_FIELDS) bit<32>  qdepth;
    @field_list(REPORT_FIELDS) bit<16>  ip_len;
    @field_list(REPORT_FIELDS) bit<8>   event;
    @field_list(REPORT_FIELDS) bit<1> monitored;
    bit<8>  sample_log2;
    bit<1>  routed;
}

parser ReporterParser(packet_in pkt, out headers_t hdr, inout metadata_t meta,
                      inout standard_metadata_t sm) {
    state start {
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.ether_type) {
            ETHERTYPE_IPV4: parse_ipv4;
            default: accept;
        }
    }
    state parse_ipv4 {
        pkt.extract(hdr.ipv4);
        transition select(hdr.ipv4.ihl, hdr.ipv4.frag_offset, hdr.ipv4.protocol) {
            (5, 0, 6): parse_ports;
            (5, 0, 17): parse_ports;
            default: accept;
        }
    }
    state parse_ports {
        pkt.extract(hdr.ports);
        transition accept;
    }
}

control ReporterVerifyChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply { }
}

control ReporterIngress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t sm) {

    @name(".Ingress.forward") action forward(bit<9> port, bit<48> src_mac, bit<48> dst_mac) {
        sm.egress_spec = port;
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
        meta.routed = 1;
    }
    @name(".Ingress.drop") action drop() {
        mark_to_drop(sm);
    }
    @name(".Ingress.ipv4_routes") table ipv4_routes {
        key = { hdr.ipv4.dst_addr: lpm @name("dst_addr"); }
        actions = {
            forward;
            drop;
        }
        const default_action = drop();
        size = 1024;
    }

    apply {
        meta.step = 0;
        meta.routed = 0;
        meta.event = 0;
        if (hdr.ipv4.isValid()) {
            ipv4_routes.apply();
            if (meta.routed == 0) {
                /* No route: the packet is dropped, and a copy of it becomes a drop event. */
                meta.event = EVENT_DROP;
                meta.step = STEP_EVENT;
                clone_preserving_field_list(CloneType.I2E, REPORT_SESSION, REPORT_FIELDS);
            }
        } else {
            mark_to_drop(sm);
        }
    }
}

control ReporterEgress(inout headers_t hdr, inout metadata_t meta, inout standard_metadata_t sm) {

    bit<32> my_switch_id = 0;
    bit<32> my_ip = 0;
    bit<32> to_ip = 0;
    bit<48> my_mac = 0;
    bit<48> to_mac = 0;
    bit<16> event_store = 0;
    bit<32> event_list = 0;
    bit<32> congestion_depth = 0;
    /* Where reports go (the replica port of clone session REPORT_SESSION leads there), and the
     * Append store and list of events (store 0: no events). */
    @name(".Egress.set_reporter") action set_reporter(bit<32> switch_id, bit<32> reporter_ip, bit<32> translator_ip,
                        bit<48> src_mac, bit<48> dst_mac, bit<16> events_store,
                        bit<32> events_list, bit<32> congestion_threshold) {
        my_switch_id = switch_id;
        my_ip = reporter_ip;
        to_ip = translator_ip;
        my_mac = src_mac;
        to_mac = dst_mac;
        event_store = events_store;
        event_list = events_list;
        congestion_depth = congestion_threshold;
    }
    @name(".Egress.dta_reporter") table dta_reporter {
        actions = { set_reporter; }
        default_action = set_reporter(0, 0, 0, 0, 0, 0, 0, 0);
        size = 1;
    }

    bit<16> l4_src = 0;
    bit<16> l4_dst = 0;
    @name(".Egress.monitor_flow") action monitor_flow(bit<16> postcard_store, bit<8> hop, bit<8> path_len, bit<16> queue_store,
                        bit<16> bytes_store, bit<8> sample_log2) {
        meta.monitored = 1;
        meta.postcard_store = postcard_store;
        meta.hop = hop;
        meta.path_len = path_len;
        meta.queue_store = queue_store;
        meta.bytes_store = bytes_store;
        meta.sample_log2 = sample_log2;
    }
    @name(".Egress.no_monitor") action no_monitor() {
        meta.monitored = 0;
    }
    @name(".Egress.dta_flows") table dta_flows {
        key = {
            hdr.ipv4.src_addr: ternary @name("src_addr");
            hdr.ipv4.dst_addr: ternary @name("dst_addr");
            hdr.ipv4.protocol: ternary @name("protocol");
            l4_src: ternary @name("src_port");
            l4_dst: ternary @name("dst_port");
        }
        actions = {
            monitor_flow;
            @defaultonly no_monitor;
        }
        const default_action = no_monitor();
        size = 1024;
    }

    @name(".Egress.dta_reports_sent") counter<bit<32>>(8, CounterType.packets) dta_reports_sent;

    /* The first report step at or after `from` that this packet needs, 0 if none (one
     * expression, the nested conditionals parenthesised: no conditional statement inside the
     * action). */
    @hidden action next_step(in bit<8> from) {
        bool mon = meta.monitored == 1;
        meta.step = mon && meta.postcard_store != 0 && from <= STEP_POSTCARD ? STEP_POSTCARD
                  : (mon && meta.queue_store != 0 && from <= STEP_QUEUE ? STEP_QUEUE
                  : (mon && meta.bytes_store != 0 && from <= STEP_BYTES ? STEP_BYTES
                  : (meta.event != 0 && event_store != 0 && from <= STEP_EVENT ? STEP_EVENT
                  : 8w0)));
    }

    apply {
        dta_reporter.apply();
        bool copy = sm.instance_type == PKT_INSTANCE_TYPE_INGRESS_CLONE
                    || sm.instance_type == PKT_INSTANCE_TYPE_EGRESS_CLONE;
        if (copy && meta.step == STEP_EVENT && event_store == 0) {
            mark_to_drop(sm);
        } else if (!copy) {
            /* The switched packet: select, sample and measure, then start the chain of copies. */
            if (hdr.ports.isValid()) {
                l4_src = hdr.ports.src_port;
                l4_dst = hdr.ports.dst_port;
            }
            meta.flow_key = hdr.ipv4.src_addr ++ hdr.ipv4.dst_addr ++ l4_src ++ l4_dst
                            ++ hdr.ipv4.protocol ++ 24w0;
            meta.ip_len = hdr.ipv4.total_len;
            dta_flows.apply();
            if (meta.monitored == 1 && meta.sample_log2 != 0) {
                /* Sampling by a hash of the flow key and the IP identification: every switch on
                 * the path picks the same packets. */
                bit<32> h;
                hash(h, HashAlgorithm.crc32, 32w0, { meta.flow_key, hdr.ipv4.identification },
                     64w4294967296);
                if ((h & ((32w1 << meta.sample_log2) - 1)) != 0) {
                    meta.monitored = 0;
                }
            }
            meta.qdepth = (bit<32>) sm.deq_qdepth;
            if (meta.event == 0 && congestion_depth != 0 && meta.qdepth >= congestion_depth) {
                meta.event = EVENT_CONGESTION;
            }
            next_step(STEP_POSTCARD);
            if (meta.step != 0) {
                clone_preserving_field_list(CloneType.E2E, REPORT_SESSION, REPORT_FIELDS);
            }
        } else {
            /* A copy: becomes the report of meta.step, and clones itself for the next one. An
             * egress-to-egress clone keeps the headers of the report it was cloned from: only
             * this step's report header may be valid. */
            bit<8> step = meta.step;
            hdr.ports.setInvalid();
            hdr.pc.setInvalid();
            hdr.kw.setInvalid();
            hdr.value4.setInvalid();
            hdr.ki.setInvalid();
            hdr.ap.setInvalid();
            hdr.ethernet.src_addr = my_mac;
            hdr.ethernet.dst_addr = to_mac;
            hdr.ethernet.ether_type = ETHERTYPE_IPV4;
            hdr.ipv4.setValid();
            hdr.ipv4.version = 4;
            hdr.ipv4.ihl = 5;
            hdr.ipv4.tos = 0;
            hdr.ipv4.identification = 0;
            hdr.ipv4.flags = 0b010;
            hdr.ipv4.frag_offset = 0;
            hdr.ipv4.ttl = 64;
            hdr.ipv4.protocol = IP_PROTO_UDP;
            hdr.ipv4.src_addr = my_ip;
            hdr.ipv4.dst_addr = to_ip;
            hdr.udp.setValid();
            hdr.udp.src_port = DTA_REPORT_PORT;
            hdr.udp.dst_port = DTA_REPORT_PORT;
            hdr.udp.checksum = 0;
            hdr.base.setValid();
            hdr.base.version = DTA_VERSION;
            bit<16> len = 0;
            bit<32> depth24 = meta.qdepth > 0xFFFFFF ? 32w0xFFFFFF : meta.qdepth;
            if (step == STEP_POSTCARD) {
                hdr.base.opcode = DTA_OP_POSTCARD;
                hdr.base.store_id = meta.postcard_store;
                hdr.pc.setValid();
                hdr.pc.hop = meta.hop;
                hdr.pc.path_len = meta.path_len;
                hdr.pc.reserved = 0;
                hdr.pc.key = meta.flow_key;
                hdr.pc.value = (my_switch_id << 24) | depth24;
                len = 28;
            } else if (step == STEP_QUEUE) {
                hdr.base.opcode = DTA_OP_KEY_WRITE;
                hdr.base.store_id = meta.queue_store;
                hdr.kw.setValid();
                hdr.kw.redundancy = 0;
                hdr.kw.value_len = 4;
                hdr.kw.reserved = 0;
                hdr.kw.key = meta.flow_key;
                hdr.value4.setValid();
                hdr.value4.value = meta.qdepth;
                len = 28;
            } else if (step == STEP_BYTES) {
                hdr.base.opcode = DTA_OP_KEY_INCREMENT;
                hdr.base.store_id = meta.bytes_store;
                hdr.ki.setValid();
                hdr.ki.redundancy = 0;
                hdr.ki.reserved = 0;
                hdr.ki.key = meta.flow_key;
                hdr.ki.delta = (bit<64>) meta.ip_len;
                len = 32;
            } else {
                hdr.base.opcode = DTA_OP_APPEND;
                hdr.base.store_id = event_store;
                hdr.ap.setValid();
                hdr.ap.list_id = event_list;
                hdr.ap.value = meta.event ++ my_switch_id[7:0] ++ meta.qdepth[15:0];
                len = 12;
            }
            hdr.udp.length = 8 + len;
            hdr.ipv4.total_len = 28 + len;
            truncate(14 + 28 + (bit<32>) len);
            dta_reports_sent.count((bit<32>) step);
            next_step(step + 1);
            if (meta.step != 0) {
                clone_preserving_field_list(CloneType.E2E, REPORT_SESSION, REPORT_FIELDS);
            }
        }
    }
}

control ReporterComputeChecksum(inout headers_t hdr, inout metadata_t meta) {
    apply {
        update_checksum(hdr.ipv4.isValid(),
            { hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.tos, hdr.ipv4.total_len,
              hdr.ipv4.identification, hdr.ipv4.flags, hdr.ipv4.frag_offset, hdr.ipv4.ttl,
              hdr.ipv4.protocol, hdr.ipv4.src_addr, hdr.ipv4.dst_addr },
            hdr.ipv4.hdr_checksum, HashAlgorithm.csum16);
    }
}

control ReporterDeparser(packet_out pkt, in headers_t hdr) {
    apply {
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.ipv4);
        pkt.emit(hdr.ports);
        pkt.emit(hdr.udp);
        pkt.emit(hdr.base);
        pkt.emit(hdr.pc);
        pkt.emit(hdr.kw);
        pkt.emit(hdr.value4);
        pkt.emit(hdr.ki);
        pkt.emit(hdr.ap);
    }
}

V1Switch(ReporterParser(), ReporterVerifyChecksum(), ReporterIngress(), ReporterEgress(),
         ReporterComputeChecksum(), ReporterDeparser()) main;

/*
 * DTA reporter for Tofino (TNA): the reporter of reporter_v1model.p4 with Tofino's externs and
 * the same control-plane names (with the "pipe." prefix): docs/p4.md, ReporterP4Names.
 *
 * Reports are built in egress. A monitored packet is mirrored egress-to-egress (mirror session
 * REPORT_SESSION, whose port leads to the translator) with a mirror header holding what the
 * reports need; each mirrored copy becomes one report and mirrors itself for the next one. A
 * packet without a route is mirrored ingress-to-egress and becomes a drop event.
 */
#include <core.p4>
#include <tna.p4>
#include "../include/dta_headers.p4"

#define REPORT_SESSION 501

const bit<8> BRIDGE_NORMAL = 1;
const bit<8> BRIDGE_REPORT = 2;
const bit<8> STEP_POSTCARD = 1;
const bit<8> STEP_QUEUE = 2;
const bit<8> STEP_BYTES = 3;
const bit<8> STEP_EVENT = 4;
const bit<8> EVENT_DROP = 1;
const bit<8> EVENT_CONGESTION = 2;
const MirrorType_t MIRROR_REPORT = 1;

header l4_ports_h {
    bit<16> src_port;
    bit<16> dst_port;
}

header bridge_h {
    bit<8> kind;
}

/* What the remaining reports of a packet need (mirror header of a report copy). */
header report_h {
    bit<8>   kind;
    bit<8>   step;
    bit<8>   event;
    bit<8>   hop;
    bit<8>   path_len;
    bit<8>   monitored;
    bit<16>  postcard_store;
    bit<16>  queue_store;
    bit<16>  bytes_store;
    bit<16>  ip_len;
    bit<32>  qdepth;
    bit<128> flow_key;
}

struct ingress_headers_t {
    bridge_h bridge;
    ethernet_h ethernet;
    ipv4_h ipv4;
}

struct ingress_metadata_t {
    report_h report;
}

struct egress_headers_t {
    report_h report_in;
    bridge_h bridge;
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

struct egress_metadata_t {
    report_h report;
}

parser IngressParser(packet_in pkt, out ingress_headers_t hdr, out ingress_metadata_t meta,
                     out ingress_intrinsic_metadata_t ig_intr_md) {
    state start {
        pkt.extract(ig_intr_md);
        pkt.advance(PORT_METADATA_SIZE);
        meta.report.setInvalid();
        pkt.extract(hdr.ethernet);
        transition select(hdr.ethernet.ether_type) {
            ETHERTYPE_IPV4: parse_ipv4;
            default: accept;
        }
    }
    state parse_ipv4 {
        pkt.extract(hdr.ipv4);
        transition accept;
    }
}

control Ingress(inout ingress_headers_t hdr, inout ingress_metadata_t meta,
                in ingress_intrinsic_metadata_t ig_intr_md,
                in ingress_intrinsic_metadata_from_parser_t ig_prsr_md,
                inout ingress_intrinsic_metadata_for_deparser_t ig_dprsr_md,
                inout ingress_intrinsic_metadata_for_tm_t ig_tm_md) {
    bool routed = false;
    action forward(PortId_t port, bit<48> src_mac, bit<48> dst_mac) {
        ig_tm_md.ucast_egress_port = port;
        hdr.ethernet.src_addr = src_mac;
        hdr.ethernet.dst_addr = dst_mac;
        hdr.ipv4.ttl = hdr.ipv4.ttl - 1;
        routed = true;
    }
    action drop() {
        ig_dprsr_md.drop_ctl = 1;
    }
    table ipv4_routes {
        key = { hdr.ipv4.dst_addr: lpm @name("dst_addr"); }
        actions = {
            forward;
            drop;
        }
        const default_action = drop();
        size = 1024;
    }

    apply {
        if (hdr.ipv4.isValid()) {
            ipv4_routes.apply();
            if (!routed) {
                /* A copy of the dropped packet becomes a drop event. */
                meta.report.setValid();
                meta.report.kind = BRIDGE_REPORT;
                meta.report.step = STEP_EVENT;
                meta.report.event = EVENT_DROP;
                meta.report.hop = 0;
                meta.report.path_len = 0;
                meta.report.monitored = 0;
                meta.report.postcard_store = 0;
                meta.report.queue_store = 0;
                meta.report.bytes_store = 0;
                meta.report.ip_len = hdr.ipv4.total_len;
                meta.report.qdepth = 0;
                meta.report.flow_key = 0;
                ig_dprsr_md.mirror_type = MIRROR_REPORT;
            }
        } else {
            ig_dprsr_md.drop_ctl = 1;
        }
        hdr.bridge.setValid();
        hdr.bridge.kind = BRIDGE_NORMAL;
    }
}

control IngressDeparser(packet_out pkt, inout ingress_headers_t hdr, in ingress_metadata_t meta,
                        in ingress_intrinsic_metadata_for_deparser_t ig_dprsr_md) {
    Mirror() mirror;
    Checksum() ipv4_checksum;
    apply {
        if (ig_dprsr_md.mirror_type == MIRROR_REPORT) {
            mirror.emit<report_h>((MirrorId_t) REPORT_SESSION, meta.report);
        }
        hdr.ipv4.hdr_checksum = ipv4_checksum.update({
            hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.tos, hdr.ipv4.total_len,
            hdr.ipv4.identification, hdr.ipv4.flags, hdr.ipv4.frag_offset, hdr.ipv4.ttl,
            hdr.ipv4.protocol, hdr.ipv4.src_addr, hdr.ipv4.dst_addr });
        pkt.emit(hdr.bridge);
        pkt.emit(hdr.ethernet);
        pkt.emit(hdr.ipv4);
    }
}

parser EgressParser(packet_in pkt, out egress_headers_t hdr, out egress_metadata_t meta,
                    out egress_intrinsic_metadata_t eg_intr_md) {
    state start {
        pkt.extract(eg_intr_md);
        meta.report.setInvalid();
        transition select(pkt.lookahead<bit<8>>()) {
            BRIDGE_REPORT: parse_report;
            default: parse_bridge;
        }
    }
    state parse_report {
        pkt.extract(hdr.report_in);
        transition parse_ethernet;
    }
    state parse_bridge {
        pkt.extract(hdr.bridge);
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

control Egress(inout egress_headers_t hdr, inout egress_metadata_t meta,
               in egress_intrinsic_metadata_t eg_intr_md,
               in egress_intrinsic_metadata_from_parser_t eg_prsr_md,
               inout egress_intrinsic_metadata_for_deparser_t eg_dprsr_md,
               inout egress_intrinsic_metadata_for_output_port_t eg_oport_md) {

    bit<32> my_switch_id = 0;
    bit<32> my_ip = 0;
    bit<32> to_ip = 0;
    bit<48> my_mac = 0;
    bit<48> to_mac = 0;
    bit<16> event_store = 0;
    bit<32> event_list = 0;
    bit<32> congestion_depth = 0;
    action set_reporter(bit<32> switch_id, bit<32> reporter_ip, bit<32> translator_ip,
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
    table dta_reporter {
        actions = { set_reporter; }
        default_action = set_reporter(0, 0, 0, 0, 0, 0, 0, 0);
        size = 1;
    }

    bit<16> l4_src = 0;
    bit<16> l4_dst = 0;
    bit<8> sample_bits = 0;
    action monitor_flow(bit<16> postcard_store, bit<8> hop, bit<8> path_len, bit<16> queue_store,
                        bit<16> bytes_store, bit<8> sample_log2) {
        meta.report.monitored = 1;
        meta.report.postcard_store = postcard_store;
        meta.report.hop = hop;
        meta.report.path_len = path_len;
        meta.report.queue_store = queue_store;
        meta.report.bytes_store = bytes_store;
        sample_bits = sample_log2;
    }
    action no_monitor() {
        meta.report.monitored = 0;
    }
    table dta_flows {
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

    Counter<bit<64>, bit<32>>(8, CounterType_t.PACKETS) dta_reports_sent;
    Hash<bit<32>>(HashAlgorithm_t.CRC32) sample_hash;

    /* The first report step at or after `from` that the packet needs, 0 if none (one
     * expression, the nested conditionals parenthesised: no conditional statement inside the
     * action). */
    @hidden action next_step(in bit<8> from) {
        bool mon = meta.report.monitored == 1;
        meta.report.step = mon && meta.report.postcard_store != 0 && from <= STEP_POSTCARD ? STEP_POSTCARD
                         : (mon && meta.report.queue_store != 0 && from <= STEP_QUEUE ? STEP_QUEUE
                         : (mon && meta.report.bytes_store != 0 && from <= STEP_BYTES ? STEP_BYTES
                         : (meta.report.event != 0 && event_store != 0 && from <= STEP_EVENT ? STEP_EVENT
                         : 8w0)));
    }

    apply {
        dta_reporter.apply();
        if (hdr.bridge.isValid()) {
            /* The switched packet: select, sample and measure, then start the chain of copies. */
            hdr.bridge.setInvalid();
            meta.report.setValid();
            meta.report.kind = BRIDGE_REPORT;
            meta.report.event = 0;
            if (hdr.ipv4.isValid()) {
                if (hdr.ports.isValid()) {
                    l4_src = hdr.ports.src_port;
                    l4_dst = hdr.ports.dst_port;
                }
                meta.report.flow_key = hdr.ipv4.src_addr ++ hdr.ipv4.dst_addr ++ l4_src ++ l4_dst
                                       ++ hdr.ipv4.protocol ++ 24w0;
                meta.report.ip_len = hdr.ipv4.total_len;
                dta_flows.apply();
                bit<32> h = sample_hash.get({ meta.report.flow_key, hdr.ipv4.identification });
                if (meta.report.monitored == 1 && (h & ((32w1 << sample_bits) - 1)) != 0) {
                    meta.report.monitored = 0;
                }
                meta.report.qdepth = (bit<32>) eg_intr_md.deq_qdepth;
                if (congestion_depth != 0 && meta.report.qdepth >= congestion_depth) {
                    meta.report.event = EVENT_CONGESTION;
                }
                next_step(STEP_POSTCARD);
                if (meta.report.step != 0) {
                    eg_dprsr_md.mirror_type = MIRROR_REPORT;
                }
            }
        } else if (hdr.report_in.isValid()) {
            /* A copy: becomes the report of its step, and mirrors itself for the next one. */
            meta.report = hdr.report_in;
            hdr.report_in.setInvalid();
            bit<8> step = meta.report.step;
            if (step == STEP_EVENT && event_store == 0) {
                eg_dprsr_md.drop_ctl = 1;
            }
            hdr.ports.setInvalid();
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
            bit<32> depth24 = meta.report.qdepth > 0xFFFFFF ? 32w0xFFFFFF : meta.report.qdepth;
            if (step == STEP_POSTCARD) {
                hdr.base.opcode = DTA_OP_POSTCARD;
                hdr.base.store_id = meta.report.postcard_store;
                hdr.pc.setValid();
                hdr.pc.hop = meta.report.hop;
                hdr.pc.path_len = meta.report.path_len;
                hdr.pc.reserved = 0;
                hdr.pc.key = meta.report.flow_key;
                hdr.pc.value = (my_switch_id << 24) | depth24;
                len = 28;
            } else if (step == STEP_QUEUE) {
                hdr.base.opcode = DTA_OP_KEY_WRITE;
                hdr.base.store_id = meta.report.queue_store;
                hdr.kw.setValid();
                hdr.kw.redundancy = 0;
                hdr.kw.value_len = 4;
                hdr.kw.reserved = 0;
                hdr.kw.key = meta.report.flow_key;
                hdr.value4.setValid();
                hdr.value4.value = meta.report.qdepth;
                len = 28;
            } else if (step == STEP_BYTES) {
                hdr.base.opcode = DTA_OP_KEY_INCREMENT;
                hdr.base.store_id = meta.report.bytes_store;
                hdr.ki.setValid();
                hdr.ki.redundancy = 0;
                hdr.ki.reserved = 0;
                hdr.ki.key = meta.report.flow_key;
                hdr.ki.delta = (bit<64>) meta.report.ip_len;
                len = 32;
            } else {
                hdr.base.opcode = DTA_OP_APPEND;
                hdr.base.store_id = event_store;
                hdr.ap.setValid();
                hdr.ap.list_id = event_list;
                hdr.ap.value = meta.report.event ++ my_switch_id[7:0] ++ meta.report.qdepth[15:0];
                len = 12;
            }
            hdr.udp.length = 8 + len;
            hdr.ipv4.total_len = 28 + len;
            dta_reports_sent.count((bit<32>) step);
            next_step(step + 1);
            if (meta.report.step != 0) {
                eg_dprsr_md.mirror_type = MIRROR_REPORT;
            }
        }
    }
}

control EgressDeparser(packet_out pkt, inout egress_headers_t hdr, in egress_metadata_t meta,
                       in egress_intrinsic_metadata_for_deparser_t eg_dprsr_md) {
    Mirror() mirror;
    Checksum() ipv4_checksum;
    apply {
        if (eg_dprsr_md.mirror_type == MIRROR_REPORT) {
            mirror.emit<report_h>((MirrorId_t) REPORT_SESSION, meta.report);
        }
        hdr.ipv4.hdr_checksum = ipv4_checksum.update({
            hdr.ipv4.version, hdr.ipv4.ihl, hdr.ipv4.tos, hdr.ipv4.total_len,
            hdr.ipv4.identification, hdr.ipv4.flags, hdr.ipv4.frag_offset, hdr.ipv4.ttl,
            hdr.ipv4.protocol, hdr.ipv4.src_addr, hdr.ipv4.dst_addr });
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

Pipeline(IngressParser(), Ingress(), IngressDeparser(),
         EgressParser(), Egress(), EgressDeparser()) pipe;

Switch(pipe) main;

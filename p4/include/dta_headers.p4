/*
 * DTA: wire headers shared by the translator and reporter programs, for every target.
 * Formats: docs/protocol.md sections 2 (reports) and 5 (RoCEv2). All fields big-endian.
 */
#ifndef DTA_HEADERS_P4
#define DTA_HEADERS_P4

/* Each program uses a subset of these constants: @noWarn("unused") keeps p4c quiet about the rest. */

@noWarn("unused") const bit<16> ETHERTYPE_IPV4 = 0x0800;
@noWarn("unused") const bit<8>  IP_PROTO_UDP = 17;
@noWarn("unused") const bit<16> DTA_REPORT_PORT = 40040;
@noWarn("unused") const bit<16> ROCEV2_PORT = 4791;

@noWarn("unused") const bit<8> DTA_VERSION = 1;
@noWarn("unused") const bit<8> DTA_OP_KEY_WRITE = 1;
@noWarn("unused") const bit<8> DTA_OP_KEY_INCREMENT = 2;
@noWarn("unused") const bit<8> DTA_OP_POSTCARD = 3;
@noWarn("unused") const bit<8> DTA_OP_APPEND = 4;
@noWarn("unused") const bit<8> DTA_OP_SKETCH_MERGE = 5;

/* Report drop reasons: index of the translator's drop counter (protocol 2.5). */
@noWarn("unused") const bit<32> DROP_TRUNCATED = 1;
@noWarn("unused") const bit<32> DROP_BAD_VERSION = 2;
@noWarn("unused") const bit<32> DROP_UNKNOWN_OPCODE = 3;
@noWarn("unused") const bit<32> DROP_UNKNOWN_STORE = 4;
@noWarn("unused") const bit<32> DROP_KIND_MISMATCH = 5;
@noWarn("unused") const bit<32> DROP_BAD_VALUE_LENGTH = 6;
@noWarn("unused") const bit<32> DROP_REDUNDANCY = 7;
@noWarn("unused") const bit<32> DROP_HOP = 8;
@noWarn("unused") const bit<32> DROP_LIST = 9;
@noWarn("unused") const bit<32> DROP_SKETCH = 10;
@noWarn("unused") const bit<32> DROP_NO_COLLECTOR = 11;
@noWarn("unused") const bit<32> DROP_QUEUE_PAIR_DOWN = 12;
@noWarn("unused") const bit<32> DROP_NO_REGION = 13;
/* 14 (oversized) is counted by the software translator only: a switch drops such frames at its port MTU. */
@noWarn("unused") const bit<32> DROP_OVERSIZED = 14;

/* RoCEv2 (protocol 5.2). */
@noWarn("unused") const bit<8> IB_OP_WRITE_ONLY = 0x0A;
@noWarn("unused") const bit<8> IB_OP_READ_REQUEST = 0x0C;
@noWarn("unused") const bit<8> IB_OP_READ_RESPONSE_FIRST = 0x0D;
@noWarn("unused") const bit<8> IB_OP_READ_RESPONSE_MIDDLE = 0x0E;
@noWarn("unused") const bit<8> IB_OP_READ_RESPONSE_LAST = 0x0F;
@noWarn("unused") const bit<8> IB_OP_READ_RESPONSE_ONLY = 0x10;
@noWarn("unused") const bit<8> IB_OP_ACKNOWLEDGE = 0x11;
@noWarn("unused") const bit<8> IB_OP_ATOMIC_ACKNOWLEDGE = 0x12;
@noWarn("unused") const bit<8> IB_OP_FETCH_ADD = 0x14;
@noWarn("unused") const bit<8> IB_OP_UD_SEND_ONLY = 0x64;
@noWarn("unused") const bit<24> TRANSLATOR_BASE_QPN = 0x000100;

/* PacketIn reasons (translator-control.md section 3). */
@noWarn("unused") const bit<8> REASON_CM_MAD = 1;
@noWarn("unused") const bit<8> REASON_READ_RESPONSE = 2;
@noWarn("unused") const bit<8> REASON_QUEUE_PAIR_ERROR = 3;
@noWarn("unused") const bit<8> REASON_QUEUE_PAIR_TIMEOUT = 4;
@noWarn("unused") const bit<8> REASON_UNKNOWN_QUEUE_PAIR = 5;
@noWarn("unused") const bit<8> REASON_TO_CPU = 6;

header ethernet_h {
    bit<48> dst_addr;
    bit<48> src_addr;
    bit<16> ether_type;
}

header ipv4_h {
    bit<4>  version;
    bit<4>  ihl;
    bit<8>  tos;
    bit<16> total_len;
    bit<16> identification;
    bit<3>  flags;
    bit<13> frag_offset;
    bit<8>  ttl;
    bit<8>  protocol;
    bit<16> hdr_checksum;
    bit<32> src_addr;
    bit<32> dst_addr;
}

header udp_h {
    bit<16> src_port;
    bit<16> dst_port;
    bit<16> length;
    bit<16> checksum;
}

/* Report base header (protocol 2.2). */
header dta_base_h {
    bit<8>  version;
    bit<8>  opcode;
    bit<16> store_id;
}

/* Key-Write (opcode 1); the value follows in one of the dta_value*_h headers. */
header dta_key_write_h {
    bit<8>   redundancy;
    bit<8>   value_len;
    bit<16>  reserved;
    bit<128> key;
}

header dta_value4_h {
    bit<32> value;
}

header dta_value12_h {
    bit<96> value;
}

header dta_value28_h {
    bit<224> value;
}

/* Key-Increment (opcode 2). */
header dta_key_increment_h {
    bit<8>   redundancy;
    bit<24>  reserved;
    bit<128> key;
    bit<64>  delta;
}

/* Postcard (opcode 3). */
header dta_postcard_h {
    bit<8>   hop;
    bit<8>   path_len;
    bit<16>  reserved;
    bit<128> key;
    bit<32>  value;
}

/* Append (opcode 4). */
header dta_append_h {
    bit<32> list_id;
    bit<32> value;
}

/* Sketch-Merge (opcode 5); count deltas of 32 bits follow. */
header dta_sketch_h {
    bit<8>  row;
    bit<8>  count;
    bit<16> reserved;
    bit<32> column;
}

header dta_delta_h {
    bit<32> delta;
}

/* InfiniBand transport headers (protocol 5.1). */
header ib_bth_h {
    bit<8>  opcode;
    bit<1>  se;
    bit<1>  migreq;
    bit<2>  pad_count;
    bit<4>  tver;
    bit<16> pkey;
    bit<8>  fecn_becn_resv;
    bit<24> dst_qp;
    bit<1>  ack_req;
    bit<7>  reserved;
    bit<24> psn;
}

header ib_reth_h {
    bit<64> va;
    bit<32> rkey;
    bit<32> dma_len;
}

header ib_atomic_eth_h {
    bit<64> va;
    bit<32> rkey;
    bit<64> add_data;
    bit<64> compare_data;
}

header ib_aeth_h {
    bit<8>  syndrome;
    bit<24> msn;
}

/* One 8-byte unit of an RDMA WRITE payload: a Key-Write slot word pair, a postcard cell
 * (value, check) or an Append entry (sequence, value). */
header ib_cell_h {
    bit<32> hi;
    bit<32> lo;
}

header ib_icrc_h {
    bit<32> icrc;
}

#define DTA_MAX_CELLS 16
#define DTA_MAX_DELTAS 16

/* Parser states for the deltas of a Sketch-Merge report (count 1..16, checked before
 * parse_delta0): state parse_delta<i> extracts delta i into stack element i (a constant index)
 * and accepts once count = i + 1. An unrolled chain rather than a loop over deltas.next, so
 * that no target needs a run-time stack index or a select on a computed value. Expects the
 * parser's packet_in to be named pkt and its headers hdr, with stack hdr.deltas and hdr.sk. */
#define DTA_DELTA_STATE(i, n) \
    state parse_delta##i { \
        pkt.extract(hdr.deltas[i]); \
        transition select(hdr.sk.count) { \
            n: accept; \
            default: parse_delta##n; \
        } \
    }
#define DTA_DELTA_STATES \
    DTA_DELTA_STATE(0, 1) DTA_DELTA_STATE(1, 2) DTA_DELTA_STATE(2, 3) DTA_DELTA_STATE(3, 4) \
    DTA_DELTA_STATE(4, 5) DTA_DELTA_STATE(5, 6) DTA_DELTA_STATE(6, 7) DTA_DELTA_STATE(7, 8) \
    DTA_DELTA_STATE(8, 9) DTA_DELTA_STATE(9, 10) DTA_DELTA_STATE(10, 11) \
    DTA_DELTA_STATE(11, 12) DTA_DELTA_STATE(12, 13) DTA_DELTA_STATE(13, 14) \
    DTA_DELTA_STATE(14, 15) \
    state parse_delta15 { \
        pkt.extract(hdr.deltas[15]); \
        transition accept; \
    }

/* The hashes of protocol section 3 (store format 2): index(key, j, L) = mix(crc32(key) ^ salt(j))
 * & (2^L - 1), salt(j) = (j + 1) * 0x9E3779B9 (j = 0..7 replicas, 8 the bucket). The mix makes the
 * CRC non-linear so that structured keys spread like random ones (docs/hashing.md); it is three
 * shift-adds and two xor-shifts, no multiplier. */
#define DTA_SALT_STEP 32w0x9E3779B9
/* Only the translator uses it. */
@noWarn("unused")
bit<32> dta_mix(in bit<32> v) {
    bit<32> x = v + (v << 10);
    x = x ^ (x >> 6);
    x = x + (x << 3);
    x = x ^ (x >> 11);
    return x + (x << 15);
}

#endif

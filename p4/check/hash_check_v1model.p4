/* BMv2 check of the hashes of protocol section 3: for each packet (Ethernet, 16-byte key) it appends
 * mixed(0..8) = dta_mix(crc32(key) ^ salt(j)) and crc32(key), computed with the same code as
 * translator_v1model.p4 (key_index). Run by docs/tools/bmv2_hash_check.py. */
#include <core.p4>
#define V1MODEL_VERSION 20200408
#include <v1model.p4>
#include "../include/dta_headers.p4"
header eth_t { bit<48> dst; bit<48> src; bit<16> type; }
header key_t { bit<128> k; }
header out_t { bit<32> m0; bit<32> m1; bit<32> m2; bit<32> m3; bit<32> m4; bit<32> m5; bit<32> m6; bit<32> m7; bit<32> m8; bit<32> crc; }
struct h_t { eth_t eth; key_t key; out_t res; }
struct m_t { bit<32> x; }
parser P(packet_in pkt, out h_t h, inout m_t m, inout standard_metadata_t sm) {
    state start { pkt.extract(h.eth); pkt.extract(h.key); transition accept; }
}
control VC(inout h_t h, inout m_t m) { apply { } }
control I(inout h_t h, inout m_t m, inout standard_metadata_t sm) {
    action mixed(in bit<8> j, out bit<32> r) {
        bit<32> x;
        hash(x, HashAlgorithm.crc32, 32w0, { h.key.k }, 64w4294967296);
        r = dta_mix(x ^ (((bit<32>) j + 1) * DTA_SALT_STEP));
    }
    apply {
        h.res.setValid();
        hash(h.res.crc, HashAlgorithm.crc32, 32w0, { h.key.k }, 64w4294967296);
        mixed(0, h.res.m0); mixed(1, h.res.m1); mixed(2, h.res.m2); mixed(3, h.res.m3); mixed(4, h.res.m4);
        mixed(5, h.res.m5); mixed(6, h.res.m6); mixed(7, h.res.m7); mixed(8, h.res.m8);
        sm.egress_spec = 1;
    }
}
control E(inout h_t h, inout m_t m, inout standard_metadata_t sm) { apply { } }
control CC(inout h_t h, inout m_t m) { apply { } }
control D(packet_out pkt, in h_t h) { apply { pkt.emit(h.eth); pkt.emit(h.key); pkt.emit(h.res); } }
V1Switch(P(), VC(), I(), E(), CC(), D()) main;

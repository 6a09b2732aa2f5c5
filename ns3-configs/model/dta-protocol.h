// The DTA wire protocol of docs/protocol.md, for the ns-3 model: every constant, the hash family
// (section 3), report parsing (2), store layouts (4), RoCEv2 framing with the ICRC (5) and the
// query rules (4.2-4.6). This is the ONE file to change when protocol.md changes; the vector test
// (programs/dta-vectors.cc) parses protocol.md section 10 at run time and fails when they drift.
// No ns-3 dependency: the translator core and the vector/trace tools use it as plain C++17.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace dta {

// ---- Section 1 and 2: numbers and report formats ----
constexpr uint16_t kReportPort = 40040;
constexpr uint16_t kRocePort = 4791;
constexpr uint32_t kTranslatorQpnBase = 0x000100;  // translator QPN towards collector c = base + c
constexpr int kKeyBytes = 16;
constexpr uint8_t kVersion = 1;

enum Opcode : uint8_t { KEY_WRITE = 1, KEY_INCREMENT = 2, POSTCARD = 3, APPEND = 4, SKETCH_MERGE = 5 };
constexpr int kPrimitives = 6;  // indexed by opcode, 0 unused
inline const char* primitiveName(int op) {
  static const char* names[] = {"?", "kw", "ki", "pc", "ap", "sk"};
  return op >= 1 && op <= 5 ? names[op] : "?";
}

constexpr int kBaseHeader = 4;
inline int reportLength(uint8_t opcode, uint8_t byte5) {
  switch (opcode) {
    case KEY_WRITE: return 24 + byte5;  // byte 5 = value length
    case KEY_INCREMENT: return 32;
    case POSTCARD: return 28;
    case APPEND: return 12;
    case SKETCH_MERGE: return 12 + 4 * byte5;  // byte 5 = count
    default: return kBaseHeader;
  }
}

// Drop reasons of section 2.5 (index = the translator's drop counter).
enum Drop { OK = 0, TRUNCATED = 1, BAD_VERSION, UNKNOWN_OPCODE, UNKNOWN_STORE, KIND_MISMATCH, BAD_VALUE_LENGTH,
            REDUNDANCY_OUT_OF_RANGE, HOP_OUT_OF_RANGE, LIST_OUT_OF_RANGE, SKETCH_OUT_OF_RANGE, NO_COLLECTOR,
            QUEUE_PAIR_DOWN, NO_REGION, DROP_REASONS };

// ---- Section 3: hashing ----
inline uint32_t crc32Update(uint32_t crc, const uint8_t* p, size_t n) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  for (size_t i = 0; i < n; i++) crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return crc;
}
inline uint32_t crc32(const uint8_t* p, size_t n) { return crc32Update(0xFFFFFFFFu, p, n) ^ 0xFFFFFFFFu; }

using Key = std::array<uint8_t, kKeyBytes>;

// H(r, key, s) = crc32(rot(key, r) || s)
inline uint32_t H(int r, const Key& key, const uint8_t* suffix = nullptr, size_t suffixLen = 0) {
  uint8_t buf[kKeyBytes + 8];
  for (int i = 0; i < kKeyBytes; i++) buf[i] = key[(i + r) % kKeyBytes];
  if (suffixLen) std::memcpy(buf + kKeyBytes, suffix, suffixLen);
  return crc32(buf, kKeyBytes + suffixLen);
}
// Store format 2: a non-linear mix after one CRC of the key, salted per replica.
inline uint32_t keyhash(const Key& key) { return crc32(key.data(), kKeyBytes); }
inline uint32_t salt(int j) { return uint32_t(j + 1) * 0x9E3779B9u; }
inline uint32_t mix(uint32_t x) {
  x += x << 10; x ^= x >> 6; x += x << 3; x ^= x >> 11; x += x << 15;
  return x;
}
inline uint32_t index(const Key& key, int replica, int log2) {
  return mix(keyhash(key) ^ salt(replica)) & static_cast<uint32_t>((uint64_t{1} << log2) - 1);
}
inline uint32_t tag(const Key& key, const uint8_t* suffix, size_t n) { return H(1, key, suffix, n) | 1u; }
inline uint32_t bucket(const Key& key) { return mix(keyhash(key) ^ salt(8)) & 0xFF; }
inline uint32_t postcardCheck(const Key& flow, uint8_t hop, uint32_t value) {
  uint8_t s[5] = {hop, uint8_t(value >> 24), uint8_t(value >> 16), uint8_t(value >> 8), uint8_t(value)};
  return tag(flow, s, 5);
}

// ---- big-endian helpers ----
inline uint16_t be16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }
inline uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }
inline uint64_t be64(const uint8_t* p) { return uint64_t(be32(p)) << 32 | be32(p + 4); }
inline void put16(uint8_t* p, uint16_t v) { p[0] = v >> 8; p[1] = uint8_t(v); }
inline void put24(uint8_t* p, uint32_t v) { p[0] = uint8_t(v >> 16); p[1] = uint8_t(v >> 8); p[2] = uint8_t(v); }
inline void put32(uint8_t* p, uint32_t v) { put16(p, v >> 16); put16(p + 2, uint16_t(v)); }
inline void put64(uint8_t* p, uint64_t v) { put32(p, uint32_t(v >> 32)); put32(p + 4, uint32_t(v)); }

// ---- Section 4: stores ----
enum StoreKind : uint8_t { KIND_KEY_WRITE = 1, KIND_KEY_INCREMENT = 2, KIND_POSTCARD = 3, KIND_APPEND = 4, KIND_SKETCH = 5 };

struct StoreLayout {
  uint16_t id = 0;
  uint8_t kind = 0;
  // Key-Write: log2 slots, slot bytes, default redundancy. Counters: rows, log2 columns.
  // Postcard: log2 rows, hops. Append: lists, log2 entries.
  uint32_t p0 = 0, p1 = 0, p2 = 0;
  int appendBatch = 1;  // translator setting for Append stores

  static StoreLayout keyWrite(uint16_t id, int log2Slots, int slotBytes, int redundancy) {
    return {id, KIND_KEY_WRITE, uint32_t(log2Slots), uint32_t(slotBytes), uint32_t(redundancy), 1};
  }
  static StoreLayout counters(uint16_t id, uint8_t kind, int rows, int log2Columns) {
    return {id, kind, uint32_t(rows), uint32_t(log2Columns), uint32_t(rows), 1};
  }
  static StoreLayout postcard(uint16_t id, int log2Rows, int hops) {
    return {id, KIND_POSTCARD, uint32_t(log2Rows), uint32_t(hops), 0, 1};
  }
  static StoreLayout append(uint16_t id, int lists, int log2Entries, int batch) {
    return {id, KIND_APPEND, uint32_t(lists), uint32_t(log2Entries), 0, batch};
  }
  uint64_t columns() const { return uint64_t{1} << p1; }
  // 4.5: 8 x hops rounded up to a power of two
  uint32_t rowBytes() const {
    uint32_t h = 1;
    while (h < p1) h <<= 1;
    return 8 * h;
  }
  uint64_t dataLength() const {
    switch (kind) {
      case KIND_KEY_WRITE: return (uint64_t{1} << p0) * p1;
      case KIND_KEY_INCREMENT:
      case KIND_SKETCH: return uint64_t(p0) * columns() * 8;
      case KIND_POSTCARD: return (uint64_t{1} << p0) * rowBytes();
      case KIND_APPEND: return uint64_t(p0) * (uint64_t{1} << p1) * 8;
      default: return 0;
    }
  }
};

// The bytes of one store shard (one region) and the two RDMA operations DTA uses on it.
// Counters are big-endian (4.4: the software responder and NVIDIA NICs).
struct StoreMemory {
  StoreLayout layout;
  std::vector<uint8_t> bytes;
  explicit StoreMemory(const StoreLayout& l) : layout(l), bytes(l.dataLength(), 0) {}
  bool write(uint64_t offset, const uint8_t* p, size_t n) {
    if (offset + n > bytes.size()) return false;
    std::memcpy(bytes.data() + offset, p, n);
    return true;
  }
  bool fetchAdd(uint64_t offset, uint64_t add) {
    if (offset % 8 || offset + 8 > bytes.size()) return false;
    put64(bytes.data() + offset, be64(bytes.data() + offset) + add);
    return true;
  }
};

// 4.2: the answer to a Key-Write query.
struct KeyWriteAnswer { bool found = false; std::vector<uint8_t> value; int agree = 0; };
inline KeyWriteAnswer readKeyWrite(const StoreMemory& m, const Key& key, int n) {
  const uint32_t W = m.layout.p1;
  std::vector<std::vector<uint8_t>> values;
  std::vector<int> votes;
  for (int i = 0; i < n; i++) {
    const uint8_t* slot = m.bytes.data() + uint64_t(index(key, i, m.layout.p0)) * W;
    uint32_t t = be32(slot);
    if (t == 0 || t != tag(key, slot + 4, W - 4)) continue;
    std::vector<uint8_t> v(slot + 4, slot + W);
    size_t j = 0;
    while (j < values.size() && values[j] != v) j++;
    if (j == values.size()) { values.push_back(v); votes.push_back(0); }
    votes[j]++;
  }
  KeyWriteAnswer a;
  for (size_t j = 0; j < values.size(); j++)
    if (votes[j] > a.agree) { a.found = true; a.agree = votes[j]; a.value = values[j]; }
  return a;
}
// 4.3 / 4.7: Count-Min estimate
inline uint64_t readCounter(const StoreMemory& m, const Key& key) {
  uint64_t best = ~uint64_t{0};
  for (uint32_t r = 0; r < m.layout.p0; r++) {
    uint64_t c = be64(m.bytes.data() + (r * m.layout.columns() + index(key, r, m.layout.p1)) * 8);
    if (c < best) best = c;
  }
  return best;
}
// 4.5: a path answer
struct Hop { uint32_t value; bool valid; };
inline std::vector<Hop> readPath(const StoreMemory& m, const Key& flow) {
  const uint8_t* row = m.bytes.data() + uint64_t(index(flow, 0, m.layout.p0)) * m.layout.rowBytes();
  std::vector<Hop> hops;
  for (uint32_t h = 0; h < m.layout.p1; h++) {
    uint32_t v = be32(row + 8 * h), check = be32(row + 8 * h + 4);
    hops.push_back({v, check != 0 && check == postcardCheck(flow, uint8_t(h), v)});
  }
  return hops;
}
// 4.6: read a list from position p; returns entries, advances p, counts overruns
struct AppendRead { std::vector<std::pair<uint64_t, uint32_t>> entries; uint64_t next = 0, overrun = 0; };
inline AppendRead readAppend(const StoreMemory& m, uint32_t list, uint64_t p) {
  const uint64_t entries = uint64_t{1} << m.layout.p1;
  AppendRead r;
  for (;;) {
    const uint8_t* e = m.bytes.data() + (list * entries + p % entries) * 8;
    uint32_t seq = be32(e), expected = uint32_t(p + 1), d = seq - expected;
    if (d == 0) { r.entries.push_back({p, be32(e + 4)}); p++; continue; }
    if (seq != 0 && d < 0x80000000u) { uint64_t q = p + d; r.overrun += q - entries + 1 - p; p = q - entries + 1; continue; }
    break;
  }
  r.next = p;
  return r;
}

// ---- Section 5: RoCEv2 ----
enum RoceOpcode : uint8_t { RC_WRITE_ONLY = 0x0A, RC_FETCH_ADD = 0x14 };
constexpr int kEthernet = 14, kIpv4 = 20, kUdp = 8, kBth = 12, kReth = 16, kAtomicEth = 28, kIcrc = 4;
constexpr int kRoceHeaders = kEthernet + kIpv4 + kUdp + kBth;  // before RETH / AtomicETH
inline int writeFrameBytes(int payload) { return kRoceHeaders + kReth + payload + kIcrc; }
constexpr int kFetchAddFrameBytes = kRoceHeaders + kAtomicEth + kIcrc;
constexpr uint32_t kPsnMask = 0xFFFFFF;
constexpr uint16_t kPKey = 0xFFFF;
constexpr uint8_t kTtl = 64;

struct Endpoint { uint64_t mac; uint32_t ip; };

// A whole Ethernet frame (5.1), ICRC included (5.3). Returns its length.
inline size_t buildFrame(uint8_t* f, const Endpoint& src, const Endpoint& dst, uint32_t srcQpn, uint32_t dstQpn,
                         uint32_t psn, bool ackReq, uint8_t opcode, uint64_t va, uint32_t rkey,
                         const uint8_t* payload, uint32_t payloadLen, uint64_t add) {
  const bool atomic = opcode == RC_FETCH_ADD;
  const size_t ext = atomic ? kAtomicEth : kReth, body = atomic ? 0 : payloadLen;
  const size_t len = kRoceHeaders + ext + body + kIcrc;
  std::memset(f, 0, len);
  for (int i = 0; i < 6; i++) { f[i] = uint8_t(dst.mac >> (40 - 8 * i)); f[6 + i] = uint8_t(src.mac >> (40 - 8 * i)); }
  put16(f + 12, 0x0800);
  uint8_t* ip = f + kEthernet;
  ip[0] = 0x45; put16(ip + 2, uint16_t(len - kEthernet)); put16(ip + 6, 0x4000); ip[8] = kTtl; ip[9] = 17;
  put32(ip + 12, src.ip); put32(ip + 16, dst.ip);
  uint32_t sum = 0;
  for (int i = 0; i < kIpv4; i += 2) sum += be16(ip + i);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  put16(ip + 10, uint16_t(~sum));
  uint8_t* udp = ip + kIpv4;
  put16(udp, uint16_t(0xC000 | (srcQpn & 0x3FFF))); put16(udp + 2, kRocePort); put16(udp + 4, uint16_t(len - kEthernet - kIpv4));
  uint8_t* bth = udp + kUdp;
  bth[0] = opcode; put16(bth + 2, kPKey); put24(bth + 5, dstQpn); bth[8] = ackReq ? 0x80 : 0; put24(bth + 9, psn & kPsnMask);
  uint8_t* x = bth + kBth;
  put64(x, va); put32(x + 8, rkey);
  if (atomic) put64(x + 12, add);
  else { put32(x + 12, payloadLen); std::memcpy(x + kReth, payload, payloadLen); }
  // ICRC: 8 x 0xFF, then IP/UDP/BTH with the variant fields masked, then the rest.
  std::vector<uint8_t> m(f + kEthernet, f + len - kIcrc);
  m[1] = 0xFF; m[8] = 0xFF; m[10] = 0xFF; m[11] = 0xFF;       // TOS, TTL, checksum
  m[kIpv4 + 6] = 0xFF; m[kIpv4 + 7] = 0xFF;                   // UDP checksum
  m[kIpv4 + kUdp + 4] = 0xFF;                                  // BTH FECN/BECN/reserved
  const uint8_t ones[8] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  uint32_t crc = crc32Update(0xFFFFFFFFu, ones, 8);
  crc = crc32Update(crc, m.data(), m.size()) ^ 0xFFFFFFFFu;
  uint8_t* icrc = f + len - kIcrc;
  icrc[0] = uint8_t(crc); icrc[1] = uint8_t(crc >> 8); icrc[2] = uint8_t(crc >> 16); icrc[3] = uint8_t(crc >> 24);
  return len;
}

// What a responder does with an expected WRITE Only or FETCH_ADD frame (5.5 step 5) on a region
// at `va`: false when it is not such a request or falls outside the region.
struct FrameView {
  uint8_t opcode; uint32_t dstQpn, psn; uint64_t va; uint32_t rkey, length; const uint8_t* payload; uint64_t add;
};
inline bool parseRequest(const uint8_t* f, size_t len, FrameView& v) {
  if (len < size_t(kRoceHeaders + kReth + kIcrc)) return false;
  const uint8_t* bth = f + kEthernet + kIpv4 + kUdp;
  v.opcode = bth[0]; v.dstQpn = be32(bth + 4) & kPsnMask; v.psn = be32(bth + 8) & kPsnMask;
  const uint8_t* x = bth + kBth;
  v.va = be64(x); v.rkey = be32(x + 8);
  if (v.opcode == RC_WRITE_ONLY) {
    v.length = be32(x + 12); v.payload = x + kReth; v.add = 0;
    return len == size_t(writeFrameBytes(v.length));
  }
  if (v.opcode == RC_FETCH_ADD) {
    v.length = 8; v.payload = nullptr; v.add = be64(x + 12);
    return len == size_t(kFetchAddFrameBytes);
  }
  return false;
}
inline bool applyRequest(StoreMemory& m, uint64_t regionVa, const FrameView& v) {
  if (v.va < regionVa) return false;
  return v.opcode == RC_WRITE_ONLY ? m.write(v.va - regionVa, v.payload, v.length) : m.fetchAdd(v.va - regionVa, v.add);
}

// 5.6: a packet asks for an ACK when PSN mod ack interval = 0.
constexpr uint32_t kDefaultAckInterval = 64;

// 8: the default bucket map sends bucket b to the store's collector b mod n.
inline int defaultCollectorOfBucket(uint32_t b, int n) { return int(b % uint32_t(n)); }
// 8: the bucket of each primitive
inline uint32_t appendBucket(uint32_t list) { return list & 0xFF; }
inline uint32_t sketchBucket(uint32_t column) { return (column >> 4) & 0xFF; }

}  // namespace dta

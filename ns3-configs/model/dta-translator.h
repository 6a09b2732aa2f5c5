// The translator's rules of docs/protocol.md sections 2.5, 6 and 8 as plain C++ (no ns-3): a
// report in, RoCEv2 requests out. The ns-3 translator application (dta-sim.cc) and the trace tool
// of the differential test (dta-trace.cc) both drive this one class, so what the simulation
// counts is what the vector and differential tests checked.
#pragma once

#include <algorithm>
#include <functional>
#include <list>
#include <map>
#include <unordered_map>

#include "dta-protocol.h"

namespace dta {

// One emitted RDMA request: the whole frame plus what the model needs to account for it.
struct Request {
  int collector;
  uint8_t opcode;        // RC_WRITE_ONLY or RC_FETCH_ADD
  uint16_t store;
  uint64_t offset;       // data offset in the store's region
  const uint8_t* frame;  // valid during the callback
  size_t frameLength;
  std::vector<uint64_t>* reports;  // ids of the reports whose bytes this request carries
};

struct CollectorPort {
  Endpoint endpoint;
  uint32_t remoteQpn;
  uint32_t nextPsn;
  std::map<uint16_t, std::pair<uint64_t, uint32_t>> regions;  // store -> (va, rkey); one segment each
};

class TranslatorCore {
 public:
  using Emit = std::function<void(const Request&)>;

  TranslatorCore(Endpoint self, uint64_t routeMac, int postcardCacheLog2, uint32_t ackInterval, uint64_t flushIntervalNs,
                 Emit emit)
      : self_(self), routeMac_(routeMac), cacheLog2_(postcardCacheLog2), ackInterval_(ackInterval),
        flushNs_(flushIntervalNs), emit_(std::move(emit)),
        cache_(size_t{1} << postcardCacheLog2) {}

  void addStore(const StoreLayout& s, std::array<int, 256> buckets) { stores_[s.id] = {s, buckets}; }
  void addCollector(int c, CollectorPort p) { collectors_[c] = std::move(p); }
  const CollectorPort& collector(int c) const { return collectors_.at(c); }
  uint32_t nextPsn(int c) const { return collectors_.at(c).nextPsn; }
  // 5.6: a NAK (PSN sequence error) names the PSN to go on from.
  void setNextPsn(int c, uint32_t psn) { collectors_.at(c).nextPsn = psn & kPsnMask; }

  uint64_t drops[DROP_REASONS] = {};
  uint64_t accepted[kPrimitives] = {};
  uint64_t evictions = 0, postcardIdleFlushes = 0, appendIdleFlushes = 0, completePaths = 0;

  // One report (a UDP payload); `id` names it in the requests that carry it. Returns the drop
  // reason (OK when accepted).
  Drop onReport(const uint8_t* r, size_t len, uint64_t id, uint64_t nowNs) {
    Drop d = validate(r, len);
    if (d != OK) { drops[d]++; return d; }
    const uint8_t op = r[1];
    Store& st = stores_[be16(r + 2)];
    accepted[op]++;
    now_ = nowNs;
    Key key{};
    if (op == KEY_WRITE || op == KEY_INCREMENT || op == POSTCARD) std::memcpy(key.data(), r + 8, kKeyBytes);
    switch (op) {
      case KEY_WRITE: {
        int n = r[4] ? r[4] : int(st.layout.p2);
        const uint8_t vlen = r[5];
        uint8_t slot[32];
        put32(slot, tag(key, r + 24, vlen));
        std::memcpy(slot + 4, r + 24, vlen);
        ids_.assign(1, id);
        for (int i = 0; i < n; i++)
          write(st, st.collectorOf(bucket(key)), uint64_t(index(key, i, st.layout.p0)) * st.layout.p1, slot, 4 + vlen);
        break;
      }
      case KEY_INCREMENT: {
        int n = r[4] ? r[4] : int(st.layout.p0);
        ids_.assign(1, id);
        for (int row = 0; row < n; row++)
          fetchAdd(st, st.collectorOf(bucket(key)), (row * st.layout.columns() + index(key, row, st.layout.p1)) * 8, be64(r + 24));
        break;
      }
      case SKETCH_MERGE: {
        const uint32_t column = be32(r + 8);
        ids_.assign(1, id);
        for (int j = 0; j < r[5]; j++)
          fetchAdd(st, st.collectorOf(sketchBucket(column)), (r[4] * st.layout.columns() + column + j) * 8, be32(r + 12 + 4 * j));
        break;
      }
      case POSTCARD: postcard(st, key, r[4], r[5], be32(r + 24), id); break;
      case APPEND: append(st, be32(r + 4), be32(r + 8), id); break;
    }
    return OK;
  }

  // Idle flushes (6.3, 6.4): entries untouched for `intervalNs`, oldest first, postcards then Appends.
  void tick(uint64_t nowNs) {
    now_ = nowNs;
    while (!pcLru_.empty() && nowNs - cache_[pcLru_.front()].time >= flushNs_) { postcardIdleFlushes++; writeHeldRow(pcLru_.front()); }
    while (!apLru_.empty() && nowNs - tails_[apLru_.front()].time >= flushNs_) { appendIdleFlushes++; flushAppend(apLru_.front()); }
  }
  size_t held() const { return pcHeld_ + apLru_.size(); }
  uint64_t postcardsHeld() const {
    uint64_t n = 0;
    for (auto& e : cache_) n += e.held ? e.ids.size() : 0;
    return n;
  }
  uint64_t appendsHeld() const {
    uint64_t n = 0;
    for (auto& k : apLru_) n += tails_.at(k).values.size();
    return n;
  }

 private:
  struct Store {
    StoreLayout layout;
    std::array<int, 256> buckets;
    int collectorOf(uint32_t b) const { return buckets[b & 0xFF]; }
  };
  struct CacheEntry {
    bool held = false;
    Key flow{};
    uint16_t store = 0;
    int pathLength = 0;
    uint32_t bitmap = 0;
    uint64_t cells[8] = {};
    uint64_t time = 0;
    bool inLru = false;
    std::list<int>::iterator lru;
    std::vector<uint64_t> ids;
  };
  using ApKey = std::pair<uint16_t, uint32_t>;  // (store, list)
  struct Tail {
    uint32_t position = 0;  // entries appended so far, mod 2^32
    std::vector<uint32_t> values;
    std::vector<uint64_t> ids;
    uint64_t time = 0;
    bool inLru = false;
    std::list<std::pair<uint16_t, uint32_t>>::iterator lru;
  };

  Drop validate(const uint8_t* r, size_t len) const {
    if (len < size_t(kBaseHeader)) return TRUNCATED;
    const uint8_t op = r[1];
    if (op >= 1 && op <= 5 && len < 6) return TRUNCATED;
    if (op >= 1 && op <= 5 && len < size_t(reportLength(op, r[5]))) return TRUNCATED;
    if (r[0] != kVersion) return BAD_VERSION;
    if (op < 1 || op > 5) return UNKNOWN_OPCODE;
    auto it = stores_.find(be16(r + 2));
    if (it == stores_.end()) return UNKNOWN_STORE;
    const StoreLayout& s = it->second.layout;
    static const uint8_t kindOf[] = {0, KIND_KEY_WRITE, KIND_KEY_INCREMENT, KIND_POSTCARD, KIND_APPEND, KIND_SKETCH};
    if (s.kind != kindOf[op]) return KIND_MISMATCH;
    if (op == KEY_WRITE && ((r[5] != 4 && r[5] != 12 && r[5] != 28) || r[5] != s.p1 - 4)) return BAD_VALUE_LENGTH;
    if (op == KEY_WRITE && r[4] > 8) return REDUNDANCY_OUT_OF_RANGE;
    if (op == KEY_INCREMENT && (r[4] > 8 || r[4] > s.p0)) return REDUNDANCY_OUT_OF_RANGE;
    if (op == POSTCARD) {
      int P = r[5] ? r[5] : int(s.p1);
      if (r[4] >= P || uint32_t(P) > s.p1) return HOP_OUT_OF_RANGE;
    }
    if (op == APPEND && be32(r + 4) >= s.p0) return LIST_OUT_OF_RANGE;
    if (op == SKETCH_MERGE) {
      uint32_t col = be32(r + 8);
      if (r[4] >= s.p0 || r[5] < 1 || r[5] > 16 || uint64_t(col) + r[5] > s.columns() || (col % 16) + r[5] > 16)
        return SKETCH_OUT_OF_RANGE;
    }
    Key key{};
    uint32_t b = 0;
    if (op == APPEND) b = appendBucket(be32(r + 4));
    else if (op == SKETCH_MERGE) b = sketchBucket(be32(r + 8));
    else { std::memcpy(key.data(), r + 8, kKeyBytes); b = bucket(key); }
    int c = it->second.collectorOf(b);
    if (c < 0) return NO_COLLECTOR;
    auto ci = collectors_.find(c);
    if (ci == collectors_.end()) return QUEUE_PAIR_DOWN;
    if (!ci->second.regions.count(s.id)) return NO_REGION;
    return OK;
  }

  void send(const Store& st, int c, uint8_t opcode, uint64_t offset, const uint8_t* payload, uint32_t n, uint64_t add) {
    CollectorPort& p = collectors_[c];
    auto reg = p.regions.at(st.layout.id);
    uint32_t psn = p.nextPsn;
    p.nextPsn = (psn + 1) & kPsnMask;
    uint8_t frame[256];
    Endpoint dst{routeMac_, p.endpoint.ip};
    size_t len = buildFrame(frame, self_, dst, kTranslatorQpnBase + c, p.remoteQpn, psn, psn % ackInterval_ == 0, opcode,
                            reg.first + offset, reg.second, payload, n, add);
    emit_(Request{c, opcode, st.layout.id, offset, frame, len, &ids_});
  }
  void write(const Store& st, int c, uint64_t offset, const uint8_t* p, uint32_t n) { send(st, c, RC_WRITE_ONLY, offset, p, n, 0); }
  void fetchAdd(const Store& st, int c, uint64_t offset, uint64_t add) { send(st, c, RC_FETCH_ADD, offset, nullptr, 0, add); }

  // 6.3
  void postcard(Store& st, const Key& flow, uint8_t hop, uint8_t pathLength, uint32_t value, uint64_t id) {
    const int e = int(index(flow, 0, cacheLog2_));
    CacheEntry& ce = cache_[e];
    const bool sameFlow = ce.held && ce.flow == flow && ce.store == st.layout.id;
    if (ce.held && !(sameFlow && now_ - ce.time < flushNs_)) {
      (sameFlow ? postcardIdleFlushes : evictions)++;
      writeHeldRow(e);
    }
    if (!ce.held) {
      ce.held = true; ce.flow = flow; ce.store = st.layout.id; ce.bitmap = 0; ce.ids.clear();
      ce.pathLength = pathLength ? pathLength : int(st.layout.p1);
      pcHeld_++;
    }
    ce.cells[hop] = uint64_t(value) << 32 | postcardCheck(flow, hop, value);
    ce.bitmap |= 1u << hop;
    ce.ids.push_back(id);
    const uint32_t full = (1u << ce.pathLength) - 1;
    if ((ce.bitmap & full) == full) { completePaths++; writeHeldRow(e); }
    else touch(pcLru_, ce, e);
  }
  void writeHeldRow(int e) {
    CacheEntry& ce = cache_[e];
    const Store& st = stores_[ce.store];
    const uint32_t rowBytes = st.layout.rowBytes();
    uint8_t row[64] = {};
    for (uint32_t h = 0; h < rowBytes / 8; h++)
      if (ce.bitmap & (1u << h)) put64(row + 8 * h, ce.cells[h]);
    ids_.swap(ce.ids);
    write(st, st.collectorOf(bucket(ce.flow)), uint64_t(index(ce.flow, 0, st.layout.p0)) * rowBytes, row, rowBytes);
    ce.held = false; ce.ids.clear();
    pcHeld_--;
    untouch(pcLru_, ce);
  }

  // 6.4 (rings here are at most 2^28 entries: no 2^31-byte segment boundary inside a ring)
  void append(Store& st, uint32_t list, uint32_t value, uint64_t id) {
    ApKey k{st.layout.id, list};
    Tail& t = tails_[k];
    if (!t.values.empty() && now_ - t.time >= flushNs_) { appendIdleFlushes++; flushAppend(k); }
    t.values.push_back(value);
    t.ids.push_back(id);
    t.position++;
    const uint32_t entries = uint32_t(1) << st.layout.p1;
    if (int(t.values.size()) >= st.layout.appendBatch || t.position % entries == 0) flushAppend(k);
    else touch(apLru_, t, k);
  }
  void flushAppend(const ApKey& k) {
    Tail& t = tails_[k];
    const Store& st = stores_[k.first];
    const uint32_t n = uint32_t(t.values.size()), first = t.position - n;
    const uint64_t entries = uint64_t{1} << st.layout.p1;
    uint8_t buf[16 * 8];
    for (uint32_t i = 0; i < n; i++) { put32(buf + 8 * i, first + 1 + i); put32(buf + 8 * i + 4, t.values[i]); }
    ids_.swap(t.ids);
    write(st, st.collectorOf(appendBucket(k.second)), (k.second * entries + first % entries) * 8, buf, 8 * n);
    t.values.clear(); t.ids.clear();
    untouch(apLru_, t);
  }

  // Idle order as the Java engine's IdleList: a touch makes an entry the newest.
  template <class L, class E, class K>
  void touch(L& lru, E& entry, const K& k) {
    untouch(lru, entry);
    entry.time = now_;
    entry.lru = lru.insert(lru.end(), k);
    entry.inLru = true;
  }
  template <class L, class E>
  static void untouch(L& lru, E& entry) {
    if (entry.inLru) { lru.erase(entry.lru); entry.inLru = false; }
  }

  Endpoint self_;
  uint64_t routeMac_;
  int cacheLog2_;
  uint32_t ackInterval_;
  uint64_t flushNs_;
  Emit emit_;
  std::map<uint16_t, Store> stores_;
  std::map<int, CollectorPort> collectors_;
  std::vector<CacheEntry> cache_;
  size_t pcHeld_ = 0;
  std::list<int> pcLru_;
  std::map<ApKey, Tail> tails_;
  std::list<ApKey> apLru_;
  std::vector<uint64_t> ids_;
  uint64_t now_ = 0;
};

}  // namespace dta

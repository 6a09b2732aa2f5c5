// Where every report of a simulation went: created, lost (and where), or applied to collector
// memory (and when). The conservation check of the tests reads the totals this writes:
// created = applied + lost (by place) + dropped by the translator + still held, per primitive.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dta-protocol.h"

namespace dta {

class Ledger {
 public:
  struct Entry {
    uint8_t op;
    int8_t pending = 0;  // requests of this report not yet applied or lost
    bool lost = false;
    bool done = false;
    uint16_t lostAt = 0;  // index into places
    uint64_t createdNs;
  };

  uint64_t create(uint8_t op, uint64_t nowNs) {
    entries_.push_back({op, 0, false, false, 0, nowNs});
    created[op]++;
    return entries_.size() - 1;
  }
  const Entry& at(uint64_t id) const { return entries_[id]; }

  // A report lost before the translator emitted requests for it (network queue, translator drop).
  void lose(uint64_t id, const std::string& place) {
    Entry& e = entries_[id];
    if (e.done) return;
    e.done = true;
    lostCount(place)[e.op]++;
  }
  // The translator emitted one more request carrying this report.
  void requestEmitted(uint64_t id) { entries_[id].pending++; }
  // One request carrying these reports was applied or lost.
  void requestApplied(uint64_t id, uint64_t nowNs) { settle(id, nowNs, -1); }
  void requestLost(uint64_t id, const std::string& place) {
    Entry& e = entries_[id];
    if (!e.lost) { e.lost = true; e.lostAt = placeIndex(place); }
    settle(id, 0, -1);
  }

  uint64_t created[kPrimitives] = {};
  uint64_t applied[kPrimitives] = {};
  std::vector<std::string> places;
  std::vector<std::array<uint64_t, kPrimitives>> lost;  // per place
  std::vector<uint64_t> latencyNs[kPrimitives];        // creation -> last byte applied

  // Reports neither applied nor lost: (reports not yet at the translator or held by it, reports
  // with requests still in flight), per primitive.
  std::pair<uint64_t, uint64_t> unsettled(int op) const {
    uint64_t waiting = 0, inFlight = 0;
    for (auto& e : entries_)
      if (!e.done && e.op == op) (e.pending > 0 ? inFlight : waiting)++;
    return {waiting, inFlight};
  }
  uint64_t lostTotal(int op) const {
    uint64_t n = 0;
    for (auto& l : lost) n += l[op];
    return n;
  }
  double percentile(int op, double p) {
    auto& v = latencyNs[op];
    if (v.empty()) return 0;
    size_t k = std::min(v.size() - 1, size_t(p * double(v.size())));
    std::nth_element(v.begin(), v.begin() + long(k), v.end());
    return double(v[k]);
  }

 private:
  uint16_t placeIndex(const std::string& place) {
    for (size_t i = 0; i < places.size(); i++) if (places[i] == place) return uint16_t(i);
    places.push_back(place);
    lost.push_back({});
    return uint16_t(places.size() - 1);
  }
  std::array<uint64_t, kPrimitives>& lostCount(const std::string& place) { return lost[placeIndex(place)]; }
  void settle(uint64_t id, uint64_t nowNs, int delta) {
    Entry& e = entries_[id];
    e.pending = int8_t(e.pending + delta);
    if (e.pending > 0 || e.done) return;
    e.done = true;
    if (e.lost) { lost[e.lostAt][e.op]++; return; }
    applied[e.op]++;
    latencyNs[e.op].push_back(nowNs - e.createdNs);
  }

  std::vector<Entry> entries_;
};

}  // namespace dta

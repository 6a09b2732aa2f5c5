// The ns-3 model's translator (model/dta-translator.h) and collector store model on a report trace,
// for the differential test against the Java software translator (Ns3DifferentialTest).
//
// Usage: dta-trace <trace file> <postcard cache log2>
// Trace lines: `report <hex>` (one report, a UDP payload) or `flush` (the idle flush after the
// flush interval: everything held is written). The deployment is fixed and is the test's: the five
// stores of protocol.md section 10 (Append batch 2), two collectors 10.0.0.2 and 10.0.0.3 (index 0
// and 1, QPN 0x11 and 0x12, next PSN 0, region va 0x00007F0000000000, rkey 0x1230 + store id), bucket b ->
// collector b mod 2, translator 10.0.0.1 / 02:00:00:00:00:01, next hop 02:00:00:00:00:02.
// Output: `frame <collector> <hex>` per emitted request, in order, then `drop <reason>` lines, then
// `store <collector> <store id> <hex of the whole data area>` after applying every frame.
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "../model/dta-translator.h"

using namespace dta;

static std::string toHex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) { s += d[p[i] >> 4]; s += d[p[i] & 15]; }
  return s;
}

int main(int argc, char** argv) {
  if (argc != 3) { std::cerr << "usage: dta-trace <trace file> <postcard cache log2>\n"; return 2; }
  std::ifstream in(argv[1]);
  if (!in) { std::cerr << "dta-trace: cannot read " << argv[1] << "\n"; return 2; }
  constexpr uint64_t kVa = 0x00007F0000000000ull;
  const StoreLayout stores[] = {StoreLayout::keyWrite(1, 10, 8, 2), StoreLayout::counters(2, KIND_KEY_INCREMENT, 2, 10),
                                StoreLayout::postcard(3, 8, 5), StoreLayout::append(4, 4, 4, 2),
                                StoreLayout::counters(5, KIND_SKETCH, 2, 10)};
  std::map<std::pair<int, uint16_t>, StoreMemory> memory;
  TranslatorCore core({0x020000000001ull, 0x0A000001}, 0x020000000002ull, std::stoi(argv[2]), kDefaultAckInterval, 1000000,
                      [&](const Request& r) {
                        std::cout << "frame " << r.collector << " " << toHex(r.frame, r.frameLength) << "\n";
                        FrameView v;
                        if (!parseRequest(r.frame, r.frameLength, v) || !applyRequest(memory.at({r.collector, r.store}), kVa, v))
                          std::cerr << "dta-trace: a request did not apply\n";
                      });
  std::array<int, 256> map;
  for (int b = 0; b < 256; b++) map[size_t(b)] = defaultCollectorOfBucket(uint32_t(b), 2);
  for (auto& s : stores) core.addStore(s, map);
  for (int c = 0; c < 2; c++) {
    CollectorPort p{{0x020000000002ull, 0x0A000002u + uint32_t(c)}, 0x11u + uint32_t(c), 0, {}};
    for (auto& s : stores) {
      p.regions[s.id] = {kVa, 0x1230u + s.id};  // one rkey per store, so a frame names its store
      memory.emplace(std::make_pair(c, s.id), StoreMemory(s));
    }
    core.addCollector(c, p);
  }
  std::string line;
  uint64_t id = 0, now = 1000000000;
  while (std::getline(in, line)) {
    std::istringstream s(line);
    std::string word, hex;
    s >> word;
    if (word == "report" && s >> hex) {
      std::vector<uint8_t> r;
      for (size_t i = 0; i + 1 < hex.size(); i += 2) r.push_back(uint8_t(std::stoul(hex.substr(i, 2), nullptr, 16)));
      Drop d = core.onReport(r.data(), r.size(), id++, now);
      if (d != OK) std::cout << "drop " << int(d) << "\n";
    } else if (word == "flush") {
      now += 1000000;
      core.tick(now);
    }
  }
  for (auto& [where, m] : memory)
    std::cout << "store " << where.first << " " << where.second << " " << toHex(m.bytes.data(), m.bytes.size()) << "\n";
  return 0;
}

// Checks the ns-3 model's protocol code (model/dta-protocol.h, model/dta-translator.h) against the
// hex test vectors of docs/protocol.md section 10, parsed from the document at run time: hashes,
// the RoCEv2 frames each report becomes, the bytes they leave in collector memory and the query
// answers. Usage: dta-vectors <path to protocol.md>. Prints one line per check; exit 1 on any
// mismatch (the JUnit test Ns3VectorTest runs it).
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "../model/dta-translator.h"

using namespace dta;

namespace {

std::map<std::string, std::vector<std::string>> vectors;
int failures = 0, checks = 0;

void check(bool ok, const std::string& what, const std::string& detail = "") {
  checks++;
  if (!ok) failures++;
  std::cout << (ok ? "ok   " : "FAIL ") << what << (ok || detail.empty() ? "" : ": " + detail) << "\n";
}

std::vector<uint8_t> hex(const std::string& s) {
  std::vector<uint8_t> out;
  std::string digits;
  for (char c : s) if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
  for (size_t i = 0; i + 1 < digits.size(); i += 2) out.push_back(uint8_t(std::stoul(digits.substr(i, 2), nullptr, 16)));
  return out;
}
std::string toHex(const uint8_t* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; i++) { s += d[p[i] >> 4]; s += d[p[i] & 15]; }
  return s;
}
const std::vector<std::string>& vec(const std::string& name) {
  auto it = vectors.find(name);
  if (it == vectors.end()) { std::cerr << "protocol.md has no vector named " << name << "\n"; std::exit(2); }
  return it->second;
}
std::vector<uint8_t> bytesOf(const std::string& name) {
  std::string all;
  for (auto& l : vec(name)) all += l;
  return hex(all);
}

void load(const std::string& path) {
  std::ifstream in(path);
  if (!in) { std::cerr << "cannot read " << path << "\n"; std::exit(2); }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  std::regex block("```vector\\nname: (\\S+)\\n([\\s\\S]*?)```");
  for (std::sregex_iterator it(text.begin(), text.end(), block), end; it != end; ++it) {
    std::vector<std::string> lines;
    std::stringstream body((*it)[2].str());
    std::string line;
    while (std::getline(body, line)) if (line.find_first_not_of(" \t") != std::string::npos) lines.push_back(line);
    vectors[(*it)[1].str()] = lines;
  }
  if (vectors.empty()) { std::cerr << "no vector blocks in " << path << "\n"; std::exit(2); }
}

Key keyOf(const std::vector<uint8_t>& b) { Key k{}; std::copy(b.begin(), b.begin() + kKeyBytes, k.begin()); return k; }

void hashes() {
  Key key{};
  for (auto& l : vec("hash")) {
    std::smatch m;
    std::string got, want;
    if (std::regex_match(l, m, std::regex("key ([0-9a-f]+)"))) { key = keyOf(hex(m[1])); continue; }
    if (std::regex_match(l, m, std::regex("H\\((\\d+)\\) ([0-9a-f]+)"))) {
      got = std::to_string(H(std::stoi(m[1]), key)); want = std::to_string(std::stoul(m[2], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("crc32\\(\"(.*)\"\\) ([0-9a-f]+)"))) {
      std::string s = m[1];
      got = std::to_string(crc32(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
      want = std::to_string(std::stoul(m[2], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("keyhash ([0-9a-f]+)"))) {
      got = std::to_string(keyhash(key)); want = std::to_string(std::stoul(m[1], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("mix\\(([0-9a-f]+)\\) ([0-9a-f]+)"))) {
      got = std::to_string(mix(uint32_t(std::stoul(m[1], nullptr, 16)))); want = std::to_string(std::stoul(m[2], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("salt\\((\\d+)\\) ([0-9a-f]+)"))) {
      got = std::to_string(salt(std::stoi(m[1]))); want = std::to_string(std::stoul(m[2], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("mixed\\((\\d+)\\) ([0-9a-f]+)"))) {
      got = std::to_string(mix(keyhash(key) ^ salt(std::stoi(m[1])))); want = std::to_string(std::stoul(m[2], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("bucket ([0-9a-f]+)"))) {
      got = std::to_string(bucket(key)); want = std::to_string(std::stoul(m[1], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("index\\(i=(\\d+),log2=(\\d+)\\) ([0-9a-f]+)"))) {
      got = std::to_string(index(key, std::stoi(m[1]), std::stoi(m[2]))); want = std::to_string(std::stoul(m[3], nullptr, 16));
    } else if (std::regex_match(l, m, std::regex("tag\\(value=([0-9a-f]+)\\) ([0-9a-f]+)"))) {
      auto v = hex(m[1]);
      got = std::to_string(tag(key, v.data(), v.size())); want = std::to_string(std::stoul(m[2], nullptr, 16));
    } else {
      check(false, "hash: line not understood", l);
      continue;
    }
    check(got == want, "hash: " + l, "got " + got);
  }
}

// The set-up of section 10: translator 10.0.0.1, collector index 3 at 10.0.0.2 (QPN 0x11), one
// region at va 0x00007F0000000000 / rkey 0x1234 per store; the five stores its subsections name.
constexpr uint64_t kVa = 0x00007F0000000000ull;
constexpr int kC = 3;
const StoreLayout kStores[] = {StoreLayout::keyWrite(1, 10, 8, 2), StoreLayout::counters(2, KIND_KEY_INCREMENT, 2, 10),
                               StoreLayout::postcard(3, 8, 5), StoreLayout::append(4, 4, 4, 2),
                               StoreLayout::counters(5, KIND_SKETCH, 2, 10)};

struct Run {
  std::vector<std::vector<uint8_t>> frames;
  std::map<uint16_t, StoreMemory> memory;
  TranslatorCore core;
  explicit Run(uint32_t nextPsn)
      : core({0x020000000001ull, 0x0A000001}, 0x020000000002ull, 16, kDefaultAckInterval, 1000000,
             [this](const Request& r) {
               frames.emplace_back(r.frame, r.frame + r.frameLength);
               FrameView v;
               if (!parseRequest(r.frame, r.frameLength, v) || !applyRequest(memory.at(r.store), kVa, v))
                 check(false, "frame applies to the store", toHex(r.frame, r.frameLength));
             }) {
    CollectorPort p{{0x020000000002ull, 0x0A000002}, 0x11, nextPsn, {}};
    std::array<int, 256> all;
    all.fill(kC);
    for (auto& s : kStores) {
      core.addStore(s, all);
      p.regions[s.id] = {kVa, 0x1234};
      memory.emplace(s.id, StoreMemory(s));
    }
    core.addCollector(kC, p);
  }
  void report(const std::string& name) {
    auto r = bytesOf(name);
    Drop d = core.onReport(r.data(), r.size(), 0, 0);
    check(d == OK, name + " accepted", "drop reason " + std::to_string(d));
  }
};

void framesMatch(const Run& run, const std::string& prefix) {
  size_t n = 0;
  while (vectors.count(prefix + ".packet." + std::to_string(n))) n++;
  check(run.frames.size() == n, prefix + ": " + std::to_string(n) + " frames", "got " + std::to_string(run.frames.size()));
  for (size_t i = 0; i < n && i < run.frames.size(); i++) {
    auto want = bytesOf(prefix + ".packet." + std::to_string(i));
    check(run.frames[i] == want, prefix + ".packet." + std::to_string(i) + " bytes",
          "got " + toHex(run.frames[i].data(), run.frames[i].size()));
  }
}

void memoryMatches(const Run& run, uint16_t store, const std::string& name) {
  const StoreMemory& m = run.memory.at(store);
  std::vector<uint8_t> expected(m.bytes.size(), 0);
  for (auto& l : vec(name)) {
    std::smatch mm;
    if (!std::regex_match(l, mm, std::regex("@([0-9a-f]+) ([0-9a-f]+)"))) { check(false, name + ": line not understood", l); continue; }
    auto b = hex(mm[2]);
    std::copy(b.begin(), b.end(), expected.begin() + std::stoul(mm[1], nullptr, 16));
  }
  check(m.bytes == expected, name + " (whole data area)");
}

std::string queryAnswer(const Run& run, const std::string& prefix) {
  std::ostringstream o;
  Key key = keyOf(hex("0a0000010a0000021f90005006000000"));
  if (prefix == "kw") {
    auto a = readKeyWrite(run.memory.at(1), key, 2);
    o << "value=" << toHex(a.value.data(), a.value.size()) << " agree=" << a.agree << "/2\n";
  } else if (prefix == "ki") {
    o << "estimate=" << readCounter(run.memory.at(2), key) << "\n";
  } else if (prefix == "sk") {
    o << "estimate=" << readCounter(run.memory.at(5), key) << "\n";
  } else if (prefix == "pc") {
    auto hops = readPath(run.memory.at(3), key);
    for (size_t h = 0; h < hops.size(); h++) {
      uint8_t v[4]; put32(v, hops[h].value);
      o << "hop=" << h << " value=" << toHex(v, 4) << " valid=" << (hops[h].valid ? "true" : "false") << "\n";
    }
  } else if (prefix == "ap") {
    auto r = readAppend(run.memory.at(4), 1, 0);
    for (auto& e : r.entries) { uint8_t v[4]; put32(v, e.second); o << "entry pos=" << e.first << " value=" << toHex(v, 4) << "\n"; }
    o << "next=" << r.next << " overrun=" << r.overrun << "\n";
  }
  return o.str();
}

void primitive(const std::string& prefix, uint16_t store, uint32_t nextPsn) {
  Run run(nextPsn);
  for (int i = -1; i < 16; i++) {
    std::string name = prefix + ".report" + (i < 0 ? "" : "." + std::to_string(i));
    if (vectors.count(name)) run.report(name);
  }
  framesMatch(run, prefix);
  memoryMatches(run, store, prefix + ".memory");
  std::string want;
  for (auto& l : vec(prefix + ".query")) want += l + "\n";
  std::string got = queryAnswer(run, prefix);
  check(got == want, prefix + ".query", "got\n" + got);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) { std::cerr << "usage: dta-vectors <docs/protocol.md>\n"; return 2; }
  load(argv[1]);
  hashes();
  // Next PSNs before each subsection's reports, as section 10 states them.
  primitive("kw", 1, 0x0000FF);
  primitive("ki", 2, 0x000200);
  primitive("pc", 3, 0x000300);
  primitive("ap", 4, 0x0003FF);
  primitive("sk", 5, 0x0004FF);
  std::cout << checks - failures << "/" << checks << " vector checks passed\n";
  return failures ? 1 : 0;
}

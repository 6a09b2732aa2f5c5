// dta-sim: one DTA deployment in ns-3 (3.37). Switches of a leaf-spine or k-ary fat-tree fabric
// send DTA reports (real report bytes, docs/protocol.md 2) over UDP to the translator on the
// collectors' ToR; the translator applies the protocol's rules (model/dta-translator.h) and sends
// RoCEv2 requests (BTH..ICRC as UDP payload; ns-3 adds the IPv4 and UDP headers) to collector
// nodes whose NIC model (message rate, receive queue, PSN check, NAK) applies them to store
// models with the protocol's layouts. A classic CPU collector sees the same report stream.
//
// Usage: dta-sim <params file> <output directory>. The params file is what `./dta ns3` writes from
// a scenario file (key=value, already validated; see ns3-configs/README of docs/ns3.md).
#include <chrono>
#include <deque>
#include <set>
#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <sys/resource.h>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

#include "../model/dta-ledger.h"
#include "../model/dta-translator.h"

using namespace ns3;

namespace {

// ---------------------------------------------------------------- parameters
struct Params {
  std::map<std::string, std::string> v;
  std::string str(const std::string& k) const {
    auto it = v.find(k);
    if (it == v.end()) { std::cerr << "dta-sim: parameter " << k << " missing\n"; std::exit(2); }
    return it->second;
  }
  double num(const std::string& k) const { return std::stod(str(k)); }
  int integer(const std::string& k) const { return std::stoi(str(k)); }
};
Params readParams(const std::string& path) {
  Params p;
  std::ifstream in(path);
  if (!in) { std::cerr << "dta-sim: cannot read " << path << "\n"; std::exit(2); }
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (eq != std::string::npos) p.v[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return p;
}

// ---------------------------------------------------------------- report id tag
class ReportTag : public Tag {
 public:
  uint64_t id = 0;
  static TypeId GetTypeId() {
    static TypeId tid = TypeId("dta::ReportTag").SetParent<Tag>().AddConstructor<ReportTag>();
    return tid;
  }
  TypeId GetInstanceTypeId() const override { return GetTypeId(); }
  uint32_t GetSerializedSize() const override { return 8; }
  void Serialize(TagBuffer b) const override { b.WriteU64(id); }
  void Deserialize(TagBuffer b) override { id = b.ReadU64(); }
  void Print(std::ostream& os) const override { os << "report=" << id; }
};
// Requests carry the id of their entry in the request table (kind 1) instead of a report id.
class RequestTag : public ReportTag {
 public:
  static TypeId GetTypeId() {
    static TypeId tid = TypeId("dta::RequestTag").SetParent<Tag>().AddConstructor<RequestTag>();
    return tid;
  }
  TypeId GetInstanceTypeId() const override { return GetTypeId(); }
};

// ---------------------------------------------------------------- flow-size distributions
struct Cdf {
  std::vector<std::pair<double, double>> points;  // (bytes, cumulative probability)
  void load(const std::string& path) {
    std::ifstream in(path);
    if (!in) { std::cerr << "dta-sim: cannot read workload " << path << "\n"; std::exit(2); }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream s(line);
      double x, p;
      if (s >> x >> p) points.push_back({x, p});
    }
  }
  double sample(double u) const {
    for (size_t i = 1; i < points.size(); i++)
      if (u <= points[i].second) {
        auto [x0, p0] = points[i - 1];
        auto [x1, p1] = points[i];
        return p1 > p0 ? x0 + (x1 - x0) * (u - p0) / (p1 - p0) : x1;
      }
    return points.back().first;
  }
  double mean() const {
    double m = 0;
    for (size_t i = 1; i < points.size(); i++) m += (points[i].second - points[i - 1].second) * (points[i].first + points[i - 1].first) / 2;
    return m;
  }
};

// ---------------------------------------------------------------- the simulation
struct Sim {
  Params P;
  std::string out;
  dta::Ledger ledger;

  // topology
  NodeContainer switches;      // every switch; the translator runs on one of them
  NodeContainer collectors;
  std::vector<int> tors;       // switch indices of the ToRs (leaves / edges), hosts hang below them
  std::vector<std::vector<int>> upOf;  // switch -> switches one tier up
  int hostsPerTor = 0;
  int translatorSwitch = 0;
  Ipv4Address translatorAddress;
  std::vector<Ipv4Address> collectorAddress;
  std::vector<Ptr<Socket>> reportSocket;  // per switch
  struct LinkClass { std::string name; double rateBps; uint64_t bytes = 0; uint64_t packets = 0; int links = 0; std::vector<uint64_t> perLink; };
  std::vector<LinkClass> linkClasses;

  // translator and collectors
  std::unique_ptr<dta::TranslatorCore> core;
  std::vector<Ptr<Socket>> qpSocket;  // per collector: translator side, bound to 0xC000|QPN
  Ptr<Socket> translatorSocket;
  std::vector<dta::StoreLayout> stores;
  struct Outstanding { std::vector<uint64_t> reports; uint8_t op; uint16_t store; uint32_t bytes; };
  std::vector<Outstanding> requests;  // by request id
  struct Nic {
    uint32_t expectedPsn = 0;
    bool nakOutstanding = false;
    std::deque<Ptr<Packet>> queue;
    bool busy = false;
    std::map<uint16_t, dta::StoreMemory> memory;
    uint64_t received = 0, applied = 0, overRate = 0, outOfSequence = 0, naks = 0, bytesIn = 0;
    std::vector<uint64_t> kwWrites;  // report id of each Key-Write request applied, in order
  };
  std::vector<Nic> nics;
  uint64_t nakResyncs = 0, nakLostPackets = 0;

  // classic collector (CPU): one FIFO with `cores` servers approximated as one server cores x faster
  double classicBusyUntilNs = 0;
  uint64_t classicOffered[dta::kPrimitives] = {}, classicDropped[dta::kPrimitives] = {};
  double classicCpuNs = 0;
  int classicQueue = 0;
  std::deque<double> classicDepartures;

  // traffic
  Cdf cdf;
  Ptr<UniformRandomVariable> rng;
  uint64_t flows = 0, sampledPackets = 0, appendSeq = 0;
  std::vector<std::vector<uint32_t>> torSketch;      // per ToR: rows x columns local counts
  std::vector<std::set<uint32_t>> torDirtyChunks;    // per ToR: (row << 24 | chunk) touched

  // time series (bins)
  double binSeconds = 0;
  struct Bin { uint64_t translatorIn = 0, translatorOut = 0; std::vector<uint64_t> nicMsgs, nicBytes; };
  std::vector<Bin> bins;
  Bin& bin() {
    size_t i = size_t(Simulator::Now().GetSeconds() / binSeconds);
    if (i >= bins.size()) i = bins.size() - 1;
    return bins[i];
  }

  uint64_t now() const { return uint64_t(Simulator::Now().GetNanoSeconds()); }

  // ------------------------------------------------------------ topology
  Ipv4AddressHelper addresses;
  std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, Ipv4Address>> hopTo;  // (node, neighbour) -> (interface, its address)
  // Reports from one switch share one 5-tuple, so ECMP pins them to one path: a hash of the
  // switch picks among the equal next hops.
  int ecmp(int sw, const std::vector<int>& choices) const {
    uint8_t b[4];
    dta::put32(b, uint32_t(sw) * 2654435761u);
    return choices[dta::crc32(b, 4) % choices.size()];
  }
  // Every switch's (and collector's) default route leads up and down the fabric to the translator's ToR.
  void routeToTranslator() {
    Ipv4StaticRoutingHelper helper;
    auto route = [&](Ptr<Node> from, Ptr<Node> to) {
      auto hop = hopTo.at({from->GetId(), to->GetId()});
      helper.GetStaticRouting(from->GetObject<Ipv4>())->SetDefaultRoute(hop.second, hop.first);
    };
    const int T = translatorSwitch;
    if (P.str("topology") == "leaf-spine") {
      const int leaves = P.integer("leaves");
      for (int l = 0; l < leaves; l++)
        if (l != T) route(switches.Get(uint32_t(l)), switches.Get(uint32_t(ecmp(l, upOf[size_t(l)]))));
      for (uint32_t s = uint32_t(leaves); s < switches.GetN(); s++) route(switches.Get(s), switches.Get(uint32_t(T)));
    } else {
      const int h = P.integer("k") / 2, edges = P.integer("k") * h, aggs = edges;
      const int podT = T / h;
      for (int e = 0; e < edges; e++)
        if (e != T) route(switches.Get(uint32_t(e)), switches.Get(uint32_t(ecmp(e, upOf[size_t(e)]))));
      for (int a = edges; a < edges + aggs; a++) {
        if ((a - edges) / h == podT) route(switches.Get(uint32_t(a)), switches.Get(uint32_t(T)));
        else route(switches.Get(uint32_t(a)), switches.Get(uint32_t(ecmp(a, upOf[size_t(a)]))));
      }
      for (int c = edges + aggs; c < int(switches.GetN()); c++) {
        int position = (c - edges - aggs) / h;  // cores a*h .. a*h+h-1 link to aggregation position a of every pod
        route(switches.Get(uint32_t(c)), switches.Get(uint32_t(edges + podT * h + position)));
      }
    }
    for (uint32_t c = 0; c < collectors.GetN(); c++) route(collectors.Get(c), switches.Get(uint32_t(T)));
  }
  void connect(Ptr<Node> a, Ptr<Node> b, double rateBps, int cls) {
    PointToPointHelper p2p;
    p2p.DisableFlowControl();  // a full device queue drops (MacTxDrop, counted) instead of stopping IP silently
    p2p.SetDeviceAttribute("DataRate", DataRateValue(DataRate(uint64_t(rateBps))));
    p2p.SetChannelAttribute("Delay", TimeValue(MicroSeconds(P.num("link_delay_us"))));
    p2p.SetQueue("ns3::DropTailQueue", "MaxSize", QueueSizeValue(QueueSize(std::to_string(P.integer("queue_packets")) + "p")));
    NetDeviceContainer d = p2p.Install(a, b);
    Ipv4InterfaceContainer ifs = addresses.Assign(d);  // the default queue disc passes packets straight on: without flow control it never holds one
    addresses.NewNetwork();
    hopTo[{a->GetId(), b->GetId()}] = {ifs.Get(0).second, ifs.GetAddress(1)};
    hopTo[{b->GetId(), a->GetId()}] = {ifs.Get(1).second, ifs.GetAddress(0)};
    LinkClass& c = linkClasses[size_t(cls)];
    c.links++;
    c.rateBps = rateBps;
    for (uint32_t i = 0; i < 2; i++) {
      size_t slot = c.perLink.size();
      c.perLink.push_back(0);
      d.Get(i)->TraceConnectWithoutContext("MacTxDrop", MakeBoundCallback(&Sim::onQueueDrop, this, cls));
      d.Get(i)->TraceConnectWithoutContext("PhyTxBegin", MakeBoundCallback(&Sim::onTx, this, cls, slot));
    }
  }
  static void onQueueDrop(Sim* s, int cls, Ptr<const Packet> p) {
    ReportTag t;
    RequestTag rt;
    std::string place = "queue:" + s->linkClasses[size_t(cls)].name;
    if (p->PeekPacketTag(rt)) { for (uint64_t id : s->requests[rt.id].reports) s->ledger.requestLost(id, place); }
    else if (p->PeekPacketTag(t)) s->ledger.lose(t.id, place);
  }
  static void onTx(Sim* s, int cls, size_t slot, Ptr<const Packet> p) {
    LinkClass& c = s->linkClasses[size_t(cls)];
    c.bytes += p->GetSize();
    c.packets++;
    c.perLink[slot] += p->GetSize();
  }

  void buildTopology() {
    InternetStackHelper internet;
    addresses.SetBase("10.0.0.0", "255.255.255.252");
    const double fabricBps = P.num("link_gbps") * 1e9 * (1 - P.num("load"));  // data traffic's share is reserved
    const double collectorBps = P.num("collector_link_gbps") * 1e9;
    const std::string topo = P.str("topology");
    if (topo == "leaf-spine") {
      const int leaves = P.integer("leaves"), spines = P.integer("spines");
      hostsPerTor = P.integer("hosts_per_leaf");
      switches.Create(uint32_t(leaves + spines));
      internet.Install(switches);
      linkClasses = {{"leaf-spine", 0, 0, 0, 0, {}}, {"translator-collector", 0, 0, 0, 0, {}}};
      upOf.assign(size_t(leaves + spines), {});
      for (int l = 0; l < leaves; l++) {
        tors.push_back(l);
        for (int s = 0; s < spines; s++) {
          connect(switches.Get(uint32_t(l)), switches.Get(uint32_t(leaves + s)), fabricBps, 0);
          upOf[size_t(l)].push_back(leaves + s);
        }
      }
    } else {  // fat-tree, k pods: k/2 edge and k/2 aggregation switches per pod, (k/2)^2 cores
      const int k = P.integer("k"), h = k / 2;
      hostsPerTor = h;
      const int edges = k * h, aggs = k * h, cores = h * h;
      switches.Create(uint32_t(edges + aggs + cores));
      internet.Install(switches);
      linkClasses = {{"edge-agg", 0, 0, 0, 0, {}}, {"agg-core", 0, 0, 0, 0, {}}, {"translator-collector", 0, 0, 0, 0, {}}};
      upOf.assign(size_t(edges + aggs + cores), {});
      for (int pod = 0; pod < k; pod++)
        for (int e = 0; e < h; e++) {
          int edge = pod * h + e;
          tors.push_back(edge);
          for (int a = 0; a < h; a++) {
            int agg = edges + pod * h + a;
            connect(switches.Get(uint32_t(edge)), switches.Get(uint32_t(agg)), fabricBps, 0);
            upOf[size_t(edge)].push_back(agg);
          }
        }
      for (int pod = 0; pod < k; pod++)
        for (int a = 0; a < h; a++) {
          int agg = edges + pod * h + a;
          for (int c = 0; c < h; c++) {
            int core = edges + aggs + a * h + c;
            connect(switches.Get(uint32_t(agg)), switches.Get(uint32_t(core)), fabricBps, 1);
            upOf[size_t(agg)].push_back(core);
          }
        }
    }
    translatorSwitch = tors[size_t(P.integer("translator_tor"))];
    const int n = P.integer("collectors");
    collectors.Create(uint32_t(n));
    internet.Install(collectors);
    for (int c = 0; c < n; c++) {
      connect(switches.Get(uint32_t(translatorSwitch)), collectors.Get(uint32_t(c)), collectorBps, int(linkClasses.size()) - 1);
      collectorAddress.push_back(collectors.Get(uint32_t(c))->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal());
    }
    translatorAddress = switches.Get(uint32_t(translatorSwitch))->GetObject<Ipv4>()->GetAddress(1, 0).GetLocal();
    routeToTranslator();
    NodeContainer all = NodeContainer::GetGlobal();
    for (NodeContainer::Iterator i = all.Begin(); i != all.End(); ++i)
      (*i)->GetObject<Ipv4L3Protocol>()->TraceConnectWithoutContext("Drop", MakeBoundCallback(&Sim::onIpDrop, this));
  }
  // Drops inside IPv4 (no route, TTL, an interface down): counted by reason, never silent.
  static void onIpDrop(Sim* s, const Ipv4Header&, Ptr<const Packet> p, Ipv4L3Protocol::DropReason reason, Ptr<Ipv4>, uint32_t) {
    ReportTag t;
    RequestTag rt;
    std::string place = "ipv4-drop:" + std::to_string(int(reason));
    if (p->PeekPacketTag(rt)) { for (uint64_t id : s->requests[rt.id].reports) s->ledger.requestLost(id, place); }
    else if (p->PeekPacketTag(t)) s->ledger.lose(t.id, place);
  }

  // ------------------------------------------------------------ stores and translator
  void buildDta() {
    using dta::StoreLayout;
    stores = {StoreLayout::keyWrite(1, P.integer("kw_slots_log2"), 8, P.integer("kw_redundancy")),
              StoreLayout::counters(2, dta::KIND_KEY_INCREMENT, P.integer("ki_rows"), P.integer("ki_columns_log2")),
              StoreLayout::postcard(3, P.integer("pc_rows_log2"), P.integer("pc_hops")),
              StoreLayout::append(4, int(switches.GetN()), P.integer("ap_entries_log2"), P.integer("ap_batch")),
              StoreLayout::counters(5, dta::KIND_SKETCH, P.integer("sk_rows"), P.integer("sk_columns_log2"))};
    const int n = int(collectors.GetN());
    std::array<int, 256> map;
    for (int b = 0; b < 256; b++) map[size_t(b)] = dta::defaultCollectorOfBucket(uint32_t(b), n);
    Ptr<Node> tnode = switches.Get(uint32_t(translatorSwitch));
    core = std::make_unique<dta::TranslatorCore>(
        dta::Endpoint{0x020000000001ull, translatorAddress.Get()}, 0x020000000002ull, P.integer("pc_cache_log2"),
        dta::kDefaultAckInterval, uint64_t(P.num("flush_interval_us") * 1000), [this](const dta::Request& r) { emit(r); });
    for (auto& s : stores) core->addStore(s, map);
    nics.resize(size_t(n));
    for (int c = 0; c < n; c++) {
      dta::CollectorPort port{{0x020000000002ull, collectorAddress[size_t(c)].Get()}, 0x11, 0, {}};
      for (auto& s : stores) {
        port.regions[s.id] = {0x00007F0000000000ull, 0x1000u + s.id};
        nics[size_t(c)].memory.emplace(s.id, dta::StoreMemory(s));
      }
      core->addCollector(c, port);
      Ptr<Socket> qp = Socket::CreateSocket(tnode, UdpSocketFactory::GetTypeId());
      qp->Bind(InetSocketAddress(Ipv4Address::GetAny(), uint16_t(0xC000 | ((dta::kTranslatorQpnBase + uint32_t(c)) & 0x3FFF))));
      qp->Connect(InetSocketAddress(collectorAddress[size_t(c)], dta::kRocePort));
      qp->SetRecvCallback(MakeBoundCallback(&Sim::onNak, this, c));
      qpSocket.push_back(qp);
      Ptr<Socket> nicSocket = Socket::CreateSocket(collectors.Get(uint32_t(c)), UdpSocketFactory::GetTypeId());
      nicSocket->Bind(InetSocketAddress(Ipv4Address::GetAny(), dta::kRocePort));
      nicSocket->SetRecvCallback(MakeBoundCallback(&Sim::onNicReceive, this, c));
    }
    translatorSocket = Socket::CreateSocket(tnode, UdpSocketFactory::GetTypeId());
    translatorSocket->Bind(InetSocketAddress(Ipv4Address::GetAny(), dta::kReportPort));
    translatorSocket->SetRecvCallback(MakeBoundCallback(&Sim::onReport, this));
    for (uint32_t s = 0; s < switches.GetN(); s++) {
      Ptr<Socket> so = Socket::CreateSocket(switches.Get(s), UdpSocketFactory::GetTypeId());
      so->Bind();
      so->Connect(InetSocketAddress(translatorAddress, dta::kReportPort));
      reportSocket.push_back(so);
    }
    const uint64_t tick = uint64_t(P.num("flush_interval_us") * 1000);
    Simulator::Schedule(NanoSeconds(tick), &Sim::translatorTick, this, tick);
  }
  void translatorTick(uint64_t every) {
    core->tick(now());
    if (Simulator::Now().GetSeconds() < P.num("sim_seconds")) Simulator::Schedule(NanoSeconds(every), &Sim::translatorTick, this, every);
  }

  // A report leaves a switch.
  void sendReport(int sw, const uint8_t* bytes, size_t len) {
    ReportTag t;
    t.id = ledger.create(bytes[1], now());
    if (bytes[1] == dta::KEY_WRITE) {
      auto& kr = kwReports[t.id];
      std::memcpy(kr.first.data(), bytes + 8, 16);
      std::memcpy(kr.second.data(), bytes + 24, 4);
    }
    Ptr<Packet> p = Create<Packet>(bytes, uint32_t(len));
    p->AddPacketTag(t);
    if (sw == translatorSwitch) { deliverReport(p); return; }  // a report of the translator's own switch
    reportSocket[size_t(sw)]->Send(p);
  }
  static void onReport(Sim* s, Ptr<Socket> socket) {
    while (Ptr<Packet> p = socket->Recv()) s->deliverReport(p);
  }
  uint64_t current = 0;  // report being translated
  void deliverReport(Ptr<Packet> p) {
    ReportTag t;
    p->PeekPacketTag(t);
    uint8_t buf[128];
    uint32_t len = p->CopyData(buf, sizeof buf);
    bin().translatorIn++;
    classic(buf[1]);
    current = t.id;
    dta::Drop d = core->onReport(buf, len, t.id, now());
    if (d != dta::OK) ledger.lose(t.id, "translator-drop:" + std::to_string(int(d)));
  }
  void emit(const dta::Request& r) {
    Outstanding o{*r.reports, r.opcode, r.store, uint32_t(r.frameLength)};
    for (uint64_t id : o.reports) ledger.requestEmitted(id);
    RequestTag tag;
    tag.id = requests.size();
    requests.push_back(std::move(o));
    // ns-3 adds IPv4 and UDP: the payload is BTH..ICRC
    const size_t skip = dta::kEthernet + dta::kIpv4 + dta::kUdp;
    Ptr<Packet> p = Create<Packet>(r.frame + skip, uint32_t(r.frameLength - skip));
    p->AddPacketTag(tag);
    bin().translatorOut++;
    qpSocket[size_t(r.collector)]->Send(p);
  }

  // 5.6: a NAK (PSN sequence error) resynchronises the queue pair.
  static void onNak(Sim* s, int c, Ptr<Socket> socket) {
    while (Ptr<Packet> p = socket->Recv()) {
      uint8_t b[32];
      p->CopyData(b, sizeof b);
      if (b[0] != 0x11 || b[12] != 0x60) continue;
      uint32_t e = dta::be32(b + 8) & dta::kPsnMask;
      s->nakResyncs++;
      s->nakLostPackets += (s->core->nextPsn(c) - e) & dta::kPsnMask;
      s->core->setNextPsn(c, e);
    }
  }

  // ------------------------------------------------------------ collector NIC
  static void onNicReceive(Sim* s, int c, Ptr<Socket> socket) {
    while (Ptr<Packet> p = socket->Recv()) {
      Nic& n = s->nics[size_t(c)];
      n.received++;
      n.bytesIn += p->GetSize();
      Bin& b = s->bin();
      b.nicMsgs[size_t(c)]++;
      b.nicBytes[size_t(c)] += p->GetSize() + dta::kEthernet + dta::kIpv4 + dta::kUdp;
      if (int(n.queue.size()) >= s->P.integer("nic_queue")) {
        n.overRate++;
        RequestTag t;
        p->PeekPacketTag(t);
        for (uint64_t id : s->requests[t.id].reports) s->ledger.requestLost(id, "nic-over-rate");
        continue;
      }
      n.queue.push_back(p);
      if (!n.busy) s->nicServe(c);
    }
  }
  void nicServe(int c) {
    Nic& n = nics[size_t(c)];
    if (n.queue.empty()) { n.busy = false; return; }
    n.busy = true;
    Ptr<Packet> p = n.queue.front();
    n.queue.pop_front();
    nicProcess(c, p);
    Simulator::Schedule(Seconds(1.0 / (P.num("nic_mpps") * 1e6)), &Sim::nicServe, this, c);
  }
  // 5.5 for the requests DTA sends: PSN check, apply, ACK on AckReq, one NAK per gap.
  void nicProcess(int c, Ptr<Packet> p) {
    Nic& n = nics[size_t(c)];
    RequestTag t;
    p->PeekPacketTag(t);
    const Outstanding& o = requests[t.id];
    uint8_t frame[256] = {};
    const size_t skip = dta::kEthernet + dta::kIpv4 + dta::kUdp;
    uint32_t len = p->CopyData(frame + skip, sizeof frame - skip) + uint32_t(skip);
    dta::FrameView v{};
    if (!dta::parseRequest(frame, len, v)) {  // cannot happen: the translator built it; counted, not hidden
      for (uint64_t id : o.reports) ledger.requestLost(id, "nic-malformed");
      return;
    }
    uint32_t d = (v.psn - n.expectedPsn) & dta::kPsnMask;
    if (d != 0) {
      n.outOfSequence++;
      for (uint64_t id : o.reports) ledger.requestLost(id, "psn-out-of-sequence");
      if (d < (1u << 23) && !n.nakOutstanding) { n.nakOutstanding = true; n.naks++; reply(c, 0x60, n.expectedPsn); }
      return;
    }
    n.nakOutstanding = false;
    n.expectedPsn = (n.expectedPsn + 1) & dta::kPsnMask;
    dta::applyRequest(n.memory.at(o.store), 0x00007F0000000000ull, v);
    n.applied++;
    if (o.store == 1) n.kwWrites.push_back(o.reports.front());
    for (uint64_t id : o.reports) ledger.requestApplied(id, now());
    if (frame[skip + 8] & 0x80) reply(c, 0x1F, v.psn);
  }
  void reply(int c, uint8_t syndrome, uint32_t psn) {
    uint8_t b[20] = {};
    b[0] = 0x11;
    dta::put16(b + 2, dta::kPKey);
    dta::put24(b + 5, dta::kTranslatorQpnBase + uint32_t(c));
    dta::put24(b + 9, psn);
    b[12] = syndrome;
    Ptr<Socket> so = nicReplySocket(c);
    so->SendTo(Create<Packet>(b, 20), 0, InetSocketAddress(translatorAddress, uint16_t(0xC000 | ((dta::kTranslatorQpnBase + uint32_t(c)) & 0x3FFF))));
  }
  std::vector<Ptr<Socket>> replySockets;
  Ptr<Socket> nicReplySocket(int c) {
    if (replySockets.empty()) {
      for (uint32_t i = 0; i < collectors.GetN(); i++) {
        Ptr<Socket> so = Socket::CreateSocket(collectors.Get(i), UdpSocketFactory::GetTypeId());
        so->Bind(InetSocketAddress(Ipv4Address::GetAny(), uint16_t(0xC000 | 0x11)));
        replySockets.push_back(so);
      }
    }
    return replySockets[size_t(c)];
  }

  // ------------------------------------------------------------ classic collector
  void classic(uint8_t op) {
    if (op < 1 || op > 5) return;
    static const char* costKey[] = {"", "classic_ns_kw", "classic_ns_ki", "classic_ns_pc", "classic_ns_ap", "classic_ns_sk"};
    const double t = double(now()), cost = P.num(costKey[op]) / P.num("classic_cores");
    classicOffered[op]++;
    while (!classicDepartures.empty() && classicDepartures.front() <= t) classicDepartures.pop_front();
    if (int(classicDepartures.size()) >= P.integer("classic_queue")) { classicDropped[op]++; return; }
    classicBusyUntilNs = std::max(classicBusyUntilNs, t) + cost;
    classicDepartures.push_back(classicBusyUntilNs);
    classicCpuNs += P.num(costKey[op]);
  }

  // ------------------------------------------------------------ traffic and telemetry
  dta::Key flowKey(int srcHost, int dstHost, uint16_t sport, uint16_t dport) {
    dta::Key k{};
    dta::put32(k.data(), 0x0A000000u | uint32_t(srcHost + 1) << 8 | 2);
    dta::put32(k.data() + 4, 0x0A000000u | uint32_t(dstHost + 1) << 8 | 2);
    dta::put16(k.data() + 8, sport);
    dta::put16(k.data() + 10, dport);
    k[12] = 6;
    return k;
  }
  int pick(const std::vector<int>& v) { return v[size_t(rng->GetInteger(0, uint32_t(v.size() - 1)))]; }
  // The switches a flow crosses: up from the source ToR until a switch that reaches the destination.
  std::vector<int> path(int srcTor, int dstTor) {
    if (srcTor == dstTor) return {srcTor};
    if (P.str("topology") == "leaf-spine") return {srcTor, pick(upOf[size_t(srcTor)]), dstTor};
    const int h = P.integer("k") / 2, edges = P.integer("k") * h;
    int agg = pick(upOf[size_t(srcTor)]);
    if (srcTor / h == dstTor / h) return {srcTor, agg, dstTor};
    int core = pick(upOf[size_t(agg)]);
    int a = (agg - edges) % h;                // cores of aggregation position a reach position a in every pod
    int dstAgg = edges + (dstTor / h) * h + a;
    return {srcTor, agg, core, dstAgg, dstTor};
  }

  // Flows arrive as a Poisson process; the ones that started during the warm-up before t = 0 are
  // drawn too (only their samples from t = 0 on are sent), so telemetry is at its steady rate from the start.
  void startFlows() {
    const double hostBps = P.num("host_gbps") * 1e9;
    const double perHost = P.num("load") * hostBps / 8 / cdf.mean();  // flows per second per host
    const double rate = perHost * double(tors.size()) * hostsPerTor;
    for (double t = -P.num("warmup_ms") * 1e-3 - std::log(1 - rng->GetValue()) / rate; t < 0; t -= std::log(1 - rng->GetValue()) / rate)
      makeFlow(t);
    nextFlow(rate);
  }
  void nextFlow(double rate) {
    double t = -std::log(1 - rng->GetValue()) / rate;
    if (Simulator::Now().GetSeconds() + t >= P.num("sim_seconds")) return;
    Simulator::Schedule(Seconds(t), &Sim::flowArrives, this, rate);
  }
  void flowArrives(double rate) {
    makeFlow(0);
    nextFlow(rate);
  }
  // A flow that started `ago` seconds before now (0 or negative).
  void makeFlow(double ago) {
    flows++;
    const int hosts = int(tors.size()) * hostsPerTor;
    int src = int(rng->GetInteger(0, uint32_t(hosts - 1))), dst = int(rng->GetInteger(0, uint32_t(hosts - 2)));
    if (dst >= src) dst++;
    const double bytes = std::max(64.0, cdf.sample(rng->GetValue()));
    // The flow's packets spread over its duration at its fair share of the host link.
    const double duration = bytes * 8 / (P.num("host_gbps") * 1e9 * (1 - P.num("load")));
    if (ago + duration < 0) return;
    const double packets = std::ceil(bytes / 1460);
    dta::Key key = flowKey(src, dst, uint16_t(rng->GetInteger(1024, 65535)), uint16_t(rng->GetInteger(1, 65535)));
    std::vector<int> hops = path(tors[size_t(src / hostsPerTor)], tors[size_t(dst / hostsPerTor)]);
    const double p = P.num("sample_rate");
    // Sampled packets: binomial(packets, p), by its normal approximation when the mean is large.
    uint64_t samples = 0;
    if (packets * p > 30) samples = uint64_t(std::max(0.0, std::round(packets * p + std::sqrt(packets * p) * normal())));
    else for (double i = 0; i < packets; i++) samples += rng->GetValue() < p;
    for (uint64_t i = 0; i < samples; i++) {
      double at = ago + rng->GetValue() * duration;
      if (at >= 0) Simulator::Schedule(Seconds(at), &Sim::sampledPacket, this, key, hops, std::min(1460.0, bytes));
    }
  }
  double normal() { return std::sqrt(-2 * std::log(1 - rng->GetValue())) * std::cos(2 * M_PI * rng->GetValue()); }

  // One sampled data packet of a flow: postcards from every hop, a Key-Increment (bytes) at the
  // first hop, a Key-Write (latest value) at the last, the local sketch of the first ToR.
  void sampledPacket(dta::Key key, std::vector<int> hops, double bytes) {
    if (Simulator::Now().GetSeconds() >= P.num("sim_seconds")) return;
    sampledPackets++;
    uint8_t r[64];
    const double hopDelay = P.num("link_delay_us") * 1e-6;
    if (P.integer("postcards")) {
      for (size_t h = 0; h < hops.size(); h++) {
        std::memset(r, 0, 28);
        r[0] = 1; r[1] = dta::POSTCARD; dta::put16(r + 2, 3); r[4] = uint8_t(h); r[5] = uint8_t(hops.size());
        std::memcpy(r + 8, key.data(), 16);
        dta::put32(r + 24, uint32_t(hops[h]) << 24 | rng->GetInteger(0, 0xFFFF));
        Simulator::Schedule(Seconds(hopDelay * double(h)), &Sim::sendCopy, this, hops[h], std::vector<uint8_t>(r, r + 28));
      }
    }
    if (P.integer("key_increments")) {
      std::memset(r, 0, 32);
      r[0] = 1; r[1] = dta::KEY_INCREMENT; dta::put16(r + 2, 2);
      std::memcpy(r + 8, key.data(), 16);
      dta::put64(r + 24, uint64_t(bytes / P.num("sample_rate")));
      sendReport(hops.front(), r, 32);
    }
    if (P.integer("key_writes")) {
      std::memset(r, 0, 28);
      r[0] = 1; r[1] = dta::KEY_WRITE; dta::put16(r + 2, 1); r[5] = 4;
      std::memcpy(r + 8, key.data(), 16);
      dta::put32(r + 24, uint32_t(now() / 1000));  // e.g. the last time the flow was seen, in microseconds
      Simulator::Schedule(Seconds(hopDelay * double(hops.size() - 1)), &Sim::sendCopy, this, hops.back(), std::vector<uint8_t>(r, r + 28));
    }
    if (P.num("sketch_interval_ms") > 0) {
      int tor = hops.front();
      size_t ti = size_t(std::find(tors.begin(), tors.end(), tor) - tors.begin());
      const int rows = P.integer("sk_rows"), log2 = P.integer("sk_columns_log2");
      for (int row = 0; row < rows; row++) {
        uint32_t col = dta::index(key, row, log2);
        torSketch[ti][(uint64_t(row) << log2) + col] += 1;
        torDirtyChunks[ti].insert(uint32_t(row) << 24 | (col >> 4));
      }
    }
  }
  void sendCopy(int sw, std::vector<uint8_t> r) { sendReport(sw, r.data(), r.size()); }

  // Append: drop / congestion events at every switch (Poisson).
  void appendEvent(int sw) {
    if (Simulator::Now().GetSeconds() >= P.num("sim_seconds")) return;
    uint8_t r[12] = {1, dta::APPEND};
    dta::put16(r + 2, 4);
    dta::put32(r + 4, uint32_t(sw));
    dta::put32(r + 8, uint32_t(++appendSeq));
    sendReport(sw, r, 12);
    Simulator::Schedule(Seconds(-std::log(1 - rng->GetValue()) / P.num("append_rate")), &Sim::appendEvent, this, sw);
  }
  // Sketch-Merge: every ToR ships the 16-counter chunks it touched (read-and-clear).
  uint64_t sketchShipped = 0;
  // Each ToR ships at its own phase within the interval (switches are not synchronised).
  void shipSketches(size_t ti) {
    const int log2 = P.integer("sk_columns_log2");
    const double spacing = P.num("sketch_interval_ms") * 1e-3 / double(std::max<size_t>(1, torDirtyChunks[ti].size()));
    double at = 0;
    {
      for (uint32_t chunk : torDirtyChunks[ti]) {
        uint8_t r[12 + 64] = {1, dta::SKETCH_MERGE};
        dta::put16(r + 2, 5);
        uint32_t row = chunk >> 24, first = (chunk & 0xFFFFFF) << 4;
        r[4] = uint8_t(row); r[5] = 16;
        dta::put32(r + 8, first);
        for (uint32_t j = 0; j < 16; j++) {
          uint32_t& cnt = torSketch[ti][(uint64_t(row) << log2) + first + j];
          dta::put32(r + 12 + 4 * j, cnt);
          sketchShipped += cnt;
          cnt = 0;
        }
        // paced over the interval, as a switch's sketch export would be
        Simulator::Schedule(Seconds(at), &Sim::sendCopy, this, tors[ti], std::vector<uint8_t>(r, r + sizeof r));
        at += spacing;
      }
      torDirtyChunks[ti].clear();
    }
    if (Simulator::Now().GetSeconds() < P.num("sim_seconds"))
      Simulator::Schedule(MilliSeconds(P.num("sketch_interval_ms")), &Sim::shipSketches, this, ti);
  }

  // ------------------------------------------------------------ run and outputs
  void run() {
    auto wallStart = std::chrono::steady_clock::now();
    RngSeedManager::SetSeed(uint32_t(P.integer("seed")));
    rng = CreateObject<UniformRandomVariable>();
    cdf.load(P.str("workload_file"));
    std::cerr << "dta-sim: building the topology" << std::endl;
    buildTopology();
    buildDta();
    const double T = P.num("sim_seconds");
    binSeconds = T / 50;
    bins.assign(51, Bin{0, 0, std::vector<uint64_t>(collectors.GetN()), std::vector<uint64_t>(collectors.GetN())});
    torSketch.assign(tors.size(), std::vector<uint32_t>(size_t(P.integer("sk_rows")) << P.integer("sk_columns_log2")));
    torDirtyChunks.assign(tors.size(), {});
    startFlows();
    if (P.num("append_rate") > 0)
      for (uint32_t s = 0; s < switches.GetN(); s++)
        Simulator::Schedule(Seconds(-std::log(1 - rng->GetValue()) / P.num("append_rate")), &Sim::appendEvent, this, int(s));
    if (P.num("sketch_interval_ms") > 0)
      for (size_t ti = 0; ti < tors.size(); ti++)
        Simulator::Schedule(MilliSeconds(P.num("sketch_interval_ms") * (1 + rng->GetValue())), &Sim::shipSketches, this, ti);
    // After the reporters stop: let the network drain, flush what the translator holds, drain again.
    const double drain = 0.002 + 10 * P.num("link_delay_us") * 1e-6;
    Simulator::Schedule(Seconds(T + drain), &Sim::finalFlush, this);
    for (int i = 1; i <= 10; i++) Simulator::Schedule(Seconds(T * i / 10), &Sim::progress, this, i * 10, wallStart);
    Simulator::Stop(Seconds(T + 2 * drain));
    std::cerr << "dta-sim: running " << T << " simulated seconds" << std::endl;
    Simulator::Run();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wallStart).count();
    write(wall);
    Simulator::Destroy();
  }
  void progress(int percent, std::chrono::steady_clock::time_point start) {
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "dta-sim: " << percent << " % simulated (" << Simulator::Now().GetSeconds() << " s), wall " << wall
              << " s, reports so far " << ledger.created[1] + ledger.created[2] + ledger.created[3] + ledger.created[4] + ledger.created[5]
              << std::endl;
  }
  void finalFlush() { core->tick(now() + uint64_t(1e12)); }

  void write(double wall) {
    const double T = P.num("sim_seconds");
    auto file = [&](const std::string& name) { return std::ofstream(out + "/" + name); };
    {  // per primitive: conservation and latency
      auto f = file("reports.csv");
      f << "primitive,created,applied,lost,held,unsettled_waiting,unsettled_in_flight,latency_p50_us,latency_p99_us,reports_per_s\n";
      for (int op = 1; op <= 5; op++) {
        uint64_t held = op == dta::POSTCARD ? core->postcardsHeld() : op == dta::APPEND ? core->appendsHeld() : 0;
        f << dta::primitiveName(op) << "," << ledger.created[op] << "," << ledger.applied[op] << "," << ledger.lostTotal(op) << ","
          << held << "," << ledger.unsettled(op).first << "," << ledger.unsettled(op).second << "," << ledger.percentile(op, 0.5) / 1000 << "," << ledger.percentile(op, 0.99) / 1000 << ","
          << double(ledger.created[op]) / T << "\n";
      }
    }
    {
      auto f = file("losses.csv");
      f << "place,kw,ki,pc,ap,sk\n";
      for (size_t i = 0; i < ledger.places.size(); i++) {
        f << ledger.places[i];
        for (int op = 1; op <= 5; op++) f << "," << ledger.lost[i][op];
        f << "\n";
      }
    }
    {
      auto f = file("links.csv");
      f << "class,links,rate_gbps,bytes_per_s,mean_link_utilization,max_link_utilization,packets\n";
      for (auto& c : linkClasses) {
        uint64_t mx = c.perLink.empty() ? 0 : *std::max_element(c.perLink.begin(), c.perLink.end());
        f << c.name << "," << c.links << "," << c.rateBps / 1e9 << "," << double(c.bytes) / T << ","
          << (c.perLink.empty() ? 0 : double(c.bytes) * 8 / T / c.rateBps / double(c.perLink.size())) << ","
          << double(mx) * 8 / T / c.rateBps << "," << c.packets << "\n";
      }
    }
    {
      auto f = file("timeseries.csv");
      f << "time_s,translator_in_pps,translator_out_pps";
      for (uint32_t c = 0; c < collectors.GetN(); c++) f << ",collector" << c << "_msgs_per_s,collector" << c << "_bytes_per_s";
      f << ",nic_msgs_per_s_limit\n";
      for (size_t i = 0; i < 50; i++) {
        f << binSeconds * double(i) << "," << double(bins[i].translatorIn) / binSeconds << "," << double(bins[i].translatorOut) / binSeconds;
        for (uint32_t c = 0; c < collectors.GetN(); c++)
          f << "," << double(bins[i].nicMsgs[c]) / binSeconds << "," << double(bins[i].nicBytes[c]) / binSeconds;
        f << "," << P.num("nic_mpps") * 1e6 << "\n";
      }
    }
    {
      auto f = file("collectors.csv");
      f << "collector,messages,messages_per_s,bytes_per_s,applied,over_rate,out_of_sequence,naks,nic_limit_per_s,link_gbps\n";
      for (size_t c = 0; c < nics.size(); c++)
        f << c << "," << nics[c].received << "," << double(nics[c].received) / T << "," << double(nics[c].bytesIn + 42 * nics[c].received) / T
          << "," << nics[c].applied << "," << nics[c].overRate << "," << nics[c].outOfSequence << "," << nics[c].naks << ","
          << P.num("nic_mpps") * 1e6 << "," << P.num("collector_link_gbps") << "\n";
    }
    {
      auto f = file("postcards.csv");
      f << "complete_paths,evicted_early,idle_flushes,append_idle_flushes\n" << core->completePaths << "," << core->evictions << ","
        << core->postcardIdleFlushes << "," << core->appendIdleFlushes << "\n";
    }
    {
      auto f = file("classic.csv");
      f << "primitive,offered,dropped,cpu_ns_per_report,cores,cores_needed\n";
      for (int op = 1; op <= 5; op++) {
        static const char* costKey[] = {"", "classic_ns_kw", "classic_ns_ki", "classic_ns_pc", "classic_ns_ap", "classic_ns_sk"};
        f << dta::primitiveName(op) << "," << classicOffered[op] << "," << classicDropped[op] << "," << P.num(costKey[op]) << ","
          << P.num("classic_cores") << "," << double(classicOffered[op]) / T * P.num(costKey[op]) / 1e9 << "\n";
      }
    }
    readability();
    {
      struct rusage ru;
      getrusage(RUSAGE_SELF, &ru);
      auto f = file("run.csv");
      uint64_t events = Simulator::GetEventCount();
      f << "sim_seconds,wall_seconds,events,events_per_wall_second,wall_per_sim_second,max_rss_mb,switches,collectors,flows,"
           "sampled_packets,translator_drops,nak_resyncs,nak_lost_packets,sketch_counts_shipped\n";
      uint64_t drops = 0;
      for (int i = 1; i < dta::DROP_REASONS; i++) drops += core->drops[i];
      f << T << "," << wall << "," << events << "," << double(events) / wall << "," << wall / T << "," << double(ru.ru_maxrss) / 1024 << ","
        << switches.GetN() << "," << collectors.GetN() << "," << flows << "," << sampledPackets << "," << drops << "," << nakResyncs
        << "," << nakLostPackets << "," << sketchShipped << "\n";
    }
    {  // sketch: what the collectors hold equals what was shipped and applied
      uint64_t total = 0;
      for (auto& n : nics) {
        const dta::StoreMemory& m = n.memory.at(5);
        for (size_t o = 0; o < m.bytes.size(); o += 8) total += dta::be64(m.bytes.data() + o);
      }
      auto f = file("sketch.csv");
      f << "counts_shipped,counts_in_collector_memory,rows\n" << sketchShipped << "," << total << "," << P.integer("sk_rows") << "\n";
    }
  }

  // Key-Write readability: for each key's last applied write, is it still readable, against the
  // formula 1-(1-e^{-Nk/S})^N with k = writes of other reports to that collector after it. The
  // writes each collector applied are replayed into stores of other sizes for the size curve.
  void readability() {
    auto f = std::ofstream(out + "/readability.csv");
    f << "log2_slots,slots_per_collector,keys,measured,formula,configured\n";
    const int N = P.integer("kw_redundancy"), configured = P.integer("kw_slots_log2");
    for (int log2 = std::max(4, configured - 4); log2 <= configured + 3; log2++) {
      double keys = 0, readable = 0, expected = 0;
      for (auto& n : nics) {
        // the report sequence this collector applied (each report once, at its last request)
        std::vector<uint64_t> order;
        for (size_t i = 0; i < n.kwWrites.size(); i++)
          if (i + 1 == n.kwWrites.size() || n.kwWrites[i + 1] != n.kwWrites[i]) order.push_back(n.kwWrites[i]);
        dta::StoreMemory m(dta::StoreLayout::keyWrite(1, log2, 8, N));
        std::map<dta::Key, std::pair<size_t, uint32_t>> last;  // key -> (position of its last write, value)
        for (size_t i = 0; i < order.size(); i++) {
          const auto& rep = kwReports.at(order[i]);
          uint8_t slot[8];
          dta::put32(slot, dta::tag(rep.first, rep.second.data(), 4));
          std::memcpy(slot + 4, rep.second.data(), 4);
          for (int r = 0; r < N; r++) m.write(uint64_t(dta::index(rep.first, r, log2)) * 8, slot, 8);
          last[rep.first] = {i, dta::be32(rep.second.data())};
        }
        // k = distinct keys written after this key's last write (rewrites of one key hit the same slots)
        std::vector<size_t> lastPositions;
        for (auto& kv : last) lastPositions.push_back(kv.second.first);
        std::sort(lastPositions.begin(), lastPositions.end());
        const double S = double(uint64_t{1} << log2);
        for (auto& [key, lw] : last) {
          double k = double(lastPositions.end() - std::upper_bound(lastPositions.begin(), lastPositions.end(), lw.first));
          // the configured size is read from the collector's own store, the others from the replay
          auto a = dta::readKeyWrite(log2 == configured ? n.memory.at(1) : m, key, N);
          keys++;
          readable += a.found && dta::be32(a.value.data()) == lw.second;
          expected += 1 - std::pow(1 - std::exp(-N * k / S), N);
        }
      }
      if (keys > 0)
        f << log2 << "," << (uint64_t{1} << log2) << "," << keys << "," << readable / keys << "," << expected / keys << ","
          << (log2 == configured) << "\n";
    }
  }
  std::map<uint64_t, std::pair<dta::Key, std::array<uint8_t, 4>>> kwReports;  // report id -> key, value
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) { std::cerr << "usage: dta-sim <params file> <output directory>\n"; return 2; }
  Sim sim;
  sim.P = readParams(argv[1]);
  sim.out = argv[2];
  sim.run();
  return 0;
}

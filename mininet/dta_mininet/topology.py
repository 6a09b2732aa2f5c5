"""Fabric topologies as plain data: switches, hosts, links with port numbers, and the routes and
paths that follow from them. No Mininet import here: the deployment generator, the runner and the
checks all read the same model, and a new topology (fat-tree) is one more class with `build()` and
`next_hop()`."""

from dataclasses import dataclass, field
import ipaddress

CPU_PORT = 255


def mac_for(ip):
    """02:00 + the IPv4 address's four bytes (the deployment file's default rule for MACs)."""
    b = ipaddress.IPv4Address(ip).packed
    return "02:00:" + ":".join("%02x" % x for x in b)


@dataclass
class Switch:
    name: str
    role: str            # "leaf", "spine" (reporters) or "translator"
    switch_id: int       # carried in postcards (8 bits of the value: < 256)
    address: str         # its own IPv4 address (reports' source; the translator's RoCEv2 address)
    subnet: str = None   # the prefix of the hosts behind it, for leaves and the collectors' ToR
    ports: dict = field(default_factory=dict)   # neighbour name -> port number

    @property
    def mac(self):
        return mac_for(self.address)


@dataclass
class Host:
    name: str
    role: str            # "server" (traffic), "collector", "query"
    ip: str
    prefix_len: int
    gateway: str         # the virtual gateway address (its ToR answers no ARP: static entries)
    switch: str          # the ToR it hangs off
    port: int            # the ToR's port towards it

    @property
    def mac(self):
        return mac_for(self.ip)


@dataclass
class Link:
    a: str
    a_port: int
    b: str
    b_port: int


class Fabric:
    """A topology: `switches`, `hosts`, `links`; subclasses fill them in `build()` and say how
    a switch forwards towards a host in `next_hop()`."""

    def __init__(self):
        self.switches = {}
        self.hosts = {}
        self.links = []
        self.bottleneck = None   # (switch, neighbour): the egress queue the congestion scenario fills
        self.down = set()        # links taken down: frozenset({a, b}); routes avoid them
        self.failure_link = None  # the link the failure scenario takes down (None: not modelled)
        self.software = False     # the software variant: Linux routers with reporter agents, the software translator

    # -- building --------------------------------------------------------------------------
    def add_switch(self, name, role, switch_id, address, subnet=None):
        if not 0 < switch_id < 256:
            raise ValueError("switch id %d of %s: postcards carry 8 bits of switch id" % (switch_id, name))
        self.switches[name] = Switch(name, role, switch_id, address, subnet)
        return self.switches[name]

    def connect(self, a, b):
        """A link between two switches, or a switch and a host: the next free port on each side."""
        pa = self._next_port(a)
        pb = self._next_port(b)
        self.links.append(Link(a, pa, b, pb))
        if a in self.switches:
            self.switches[a].ports[b] = pa
        if b in self.switches:
            self.switches[b].ports[a] = pb
        return pa, pb

    def add_host(self, name, role, ip, prefix_len, tor):
        sw = self.switches[tor]
        gateway = str(ipaddress.IPv4Network(sw.subnet).network_address + 254)
        port, _ = self.connect(tor, name)
        self.hosts[name] = Host(name, role, ip, prefix_len, gateway, tor, port)
        return self.hosts[name]

    def take_down(self, a, b):
        """Marks the link a-b as down: routes, paths and the deployment generated after this avoid it."""
        if self.failure_link is None:
            raise ValueError("%s: rerouting around a failed link is not modelled" % self.name)
        if b not in self.switches[a].ports:
            raise ValueError("no link %s-%s" % (a, b))
        self.down.add(frozenset((a, b)))

    def is_up(self, a, b):
        return frozenset((a, b)) not in self.down

    def _next_port(self, node):
        used = [l.a_port for l in self.links if l.a == node] + [l.b_port for l in self.links if l.b == node]
        return max(used, default=0) + 1

    # -- queries ---------------------------------------------------------------------------
    def reporters(self):
        return [s for s in self.switches.values() if s.role != "translator"]

    def translator(self):
        return next(s for s in self.switches.values() if s.role == "translator")

    def hosts_of(self, role):
        return [h for h in self.hosts.values() if h.role == role]

    def next_hop(self, switch, host):
        """The neighbour `switch` forwards packets for `host` to (a host or a switch name)."""
        raise NotImplementedError

    def path(self, src, dst):
        """The switches a packet from host `src` to host `dst` crosses, in order."""
        hops = []
        node = self.hosts[src].switch
        while node != dst:
            if node in hops or len(hops) > len(self.switches):
                raise ValueError("routing loop from %s to %s: %s" % (src, dst, hops + [node]))
            hops.append(node)
            node = self.next_hop(node, self.hosts[dst])
        return hops

    def routes(self, switch):
        """(prefix, port, next-hop MAC) of every route `switch` needs: one per host, and on the
        reporters one towards the translator's address (where reports go)."""
        out = []
        if self.switches[switch].role != "translator":
            port, mac = self.report_path(switch)
            out.append((self.translator().address + "/32", port, mac))
        for h in self.hosts.values():
            nxt = self.next_hop(switch, h)
            mac = self.hosts[nxt].mac if nxt in self.hosts else self.switches[nxt].mac
            out.append((h.ip + "/32", self.switches[switch].ports[nxt], mac))
        return out

    def report_path(self, switch):
        """Port and next-hop MAC of the reports `switch` sends: towards the translator's address."""
        tr = self.translator()
        nxt = self._towards_translator(switch)
        return self.switches[switch].ports[nxt], (tr.mac if nxt == tr.name else self.switches[nxt].mac)

    def _towards_translator(self, switch):
        raise NotImplementedError


class LeafSpine(Fabric):
    """`spines` spines, `leaves` leaves with `hosts_per_leaf` servers each, every leaf linked to
    every spine; the collectors' ToR (the translator switch) is linked to every spine and holds
    the collectors and the query host. Leaf L's servers are 10.0.L.h/24; the collectors' rack is
    10.0.200.0/24. Leaf-to-leaf traffic crosses the spine picked by the destination leaf
    (deterministic: one path per flow, so the path of a flow is known)."""

    name = "leaf-spine"

    def __init__(self, spines=2, leaves=4, hosts_per_leaf=2, collectors=2):
        super().__init__()
        self.spine_names = ["spine%d" % s for s in range(1, spines + 1)]
        self.leaf_names = ["leaf%d" % l for l in range(1, leaves + 1)]
        for s, name in enumerate(self.spine_names, 1):
            self.add_switch(name, "spine", 200 + s, "10.0.100.%d" % s)
        for l, name in enumerate(self.leaf_names, 1):
            self.add_switch(name, "leaf", 100 + l, "10.0.%d.254" % l, "10.0.%d.0/24" % l)
        self.add_switch("tor", "translator", 250, "10.0.200.254", "10.0.200.0/24")
        for leaf in self.leaf_names:
            for spine in self.spine_names:
                self.connect(leaf, spine)
        for spine in self.spine_names:
            self.connect("tor", spine)
        for l, leaf in enumerate(self.leaf_names, 1):
            for h in range(1, hosts_per_leaf + 1):
                self.add_host("h%d%d" % (l, h), "server", "10.0.%d.%d" % (l, h), 24, leaf)
        for c in range(1, collectors + 1):
            self.add_host("c%d" % c, "collector", "10.0.200.%d" % c, 24, "tor")
        self.add_host("q1", "query", "10.0.200.%d" % (collectors + 1), 24, "tor")
        # The congestion scenario's link: the spine's port towards the second leaf.
        self.bottleneck = (self._spine_for(self.leaf_names[1]), self.leaf_names[1])
        self.failure_link = self.bottleneck     # the link the failure scenario takes down

    def _spine_for(self, tor, src=None):
        """The spine that carries traffic towards a ToR: by the ToR's position; if a link of that
        spine to the ToR (or to the sending ToR `src`) is down, the next spine whose links are up."""
        order = self.leaf_names + ["tor"]
        first = order.index(tor) % len(self.spine_names)
        for i in range(len(self.spine_names)):
            spine = self.spine_names[(first + i) % len(self.spine_names)]
            if self.is_up(spine, tor) and (src is None or self.is_up(spine, src)):
                return spine
        raise ValueError("no spine with links up between %s and %s" % (src, tor))

    def next_hop(self, switch, host):
        if host.switch == switch:
            return host.name
        role = self.switches[switch].role
        if role == "spine":
            return host.switch
        return self._spine_for(host.switch, switch)   # a leaf, or the translator towards the servers

    def _towards_translator(self, switch):
        if self.switches[switch].role == "spine":
            return "tor"
        return self._spine_for("tor", switch)


class FatTree(Fabric):
    """A k-ary fat-tree (Al-Fares et al.): k pods of k/2 edge and k/2 aggregation switches, (k/2)^2
    core switches, k/2 servers per edge switch; k=4: 20 switches. The collectors' rack is the last
    edge switch of the last pod, with the translator as its ToR (the collectors sit in a rack like
    any server). Edge e of pod p: switch id 10p+e, servers 10.p.e.h/24; aggregation a of pod p:
    100+10p+a; core c: 200+c; the translator 250, 10.0.200.0/24.

    Routing is deterministic (one path per flow, so a flow's path is known): up from an edge
    through the aggregation switch picked by the destination edge's position, from there through
    the core switch of that aggregation's group picked by the destination server's position, and
    down: a path has at most 5 switches (the paths store's hops). With an aggregation-core link
    down, an aggregation switch going up takes the next core switch of its group whose links to it
    and to the destination pod's aggregation switch are both up (every core switch of a group
    reaches the same aggregation switch of every pod)."""

    name = "fat-tree"

    def __init__(self, k=4, collectors=2):
        super().__init__()
        if k < 4 or k % 2 or k > 8:
            raise ValueError("fat-tree --k %d: an even number from 4 to 8 (switch ids are 8 bits)" % k)
        self.k, half = k, k // 2
        self.pod_of, self.position = {}, {}     # switch -> pod (edge, aggregation), -> index in its layer
        for p in range(1, k + 1):
            for a in range(1, half + 1):
                name = "a%d%d" % (p, a)
                self.add_switch(name, "aggregation", 100 + 10 * p + a, "10.100.%d.%d" % (p, a))
                self.pod_of[name], self.position[name] = p, a - 1
            for e in range(1, half + 1):
                if (p, e) == (k, half):
                    name = "tor"
                    self.add_switch(name, "translator", 250, "10.0.200.254", "10.0.200.0/24")
                else:
                    name = "e%d%d" % (p, e)
                    self.add_switch(name, "edge", 10 * p + e, "10.%d.%d.254" % (p, e), "10.%d.%d.0/24" % (p, e))
                self.pod_of[name], self.position[name] = p, e - 1
        for c in range(1, half * half + 1):
            name = "c%d" % c
            self.add_switch(name, "core", 200 + c, "10.101.0.%d" % c)
            self.position[name] = c - 1
        for p in range(1, k + 1):
            for a in range(half):
                agg = self._agg(p, a)
                for e in self._edges(p):
                    self.connect(e, agg)
                for j in range(half):
                    self.connect(agg, "c%d" % (a * half + j + 1))
        for name, sw in list(self.switches.items()):
            if sw.role == "edge":
                p, e = self.pod_of[name], self.position[name] + 1
                for h in range(1, half + 1):
                    self.add_host("h%d%d%d" % (p, e, h), "server", "10.%d.%d.%d" % (p, e, h), 24, name)
        for c in range(1, collectors + 1):
            self.add_host("col%d" % c, "collector", "10.0.200.%d" % c, 24, "tor")
        self.add_host("q1", "query", "10.0.200.%d" % (collectors + 1), 24, "tor")
        # The congestion scenario's link: the aggregation switch's port towards pod 1's second edge.
        e12 = self._edges(1)[1]
        self.bottleneck = (self._agg(1, self.position[e12] % half), e12)
        # The failure scenario's link: pod 1's first aggregation switch to its group's first core.
        self.failure_link = (self._agg(1, 0), "c1")

    def _agg(self, pod, index):
        return "a%d%d" % (pod, index + 1)

    def _edges(self, pod):
        return [n for n, s in self.switches.items() if s.role in ("edge", "translator") and self.pod_of[n] == pod]

    def _towards(self, switch, edge, slot):
        """The next switch from `switch` towards edge switch `edge`; `slot` picks the core switch."""
        half = self.k // 2
        role = self.switches[switch].role
        up = self.position[edge] % half               # the aggregation index, in every pod
        if role == "core":                             # down to the aggregation of its group
            return self._agg(self.pod_of[edge], self.position[switch] // half)
        if role == "aggregation":
            if self.pod_of[switch] == self.pod_of[edge]:
                return edge
            group = self.position[switch]
            down_to = self._agg(self.pod_of[edge], group)
            for i in range(half):
                core = "c%d" % (group * half + (slot + i) % half + 1)
                if self.is_up(switch, core) and self.is_up(core, down_to):
                    return core
            raise ValueError("no core switch with links up between %s and %s" % (switch, down_to))
        return self._agg(self.pod_of[switch], up)    # an edge (or the translator) going up

    def next_hop(self, switch, host):
        if host.switch == switch:
            return host.name
        slot = int(ipaddress.IPv4Address(host.ip)) & 0xFF
        return self._towards(switch, host.switch, slot - 1)

    def _towards_translator(self, switch):
        return self._towards(switch, "tor", 0)


TOPOLOGIES = {LeafSpine.name: LeafSpine, FatTree.name: FatTree}

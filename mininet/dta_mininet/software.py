"""The software variant (`--software`, docs/mininet.md "The software variant"): no BMv2. Every
switch of the topology is a Linux router in its own network namespace (a Mininet host with IPv4
forwarding on), with the routes the P4 variant's controller writes (Fabric.routes: a /32 per host
and one to the translator, each out of a port to a next-hop MAC, as static neighbour entries).
Each leaf and spine runs a reporter agent (./dta reporter agent) that watches what the router
forwards and sends the P4 reporter's reports; the translator's namespace runs the software
translator (./dta translator run, raw mode), which the controller programs over P4Runtime on its
management link."""

import json
import os
import tempfile
import time

from . import deployment

# One JVM per router: small, quick to start (C1 only, serial GC); a Mininet fabric's rates are low.
AGENT_JAVA_OPTS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx96m -Xss512k"
QUEUE_RATE_BITS = 40000  # the congestion scenario's bottleneck: ~20 of the burst's 242-byte frames/s, as BMv2's 20 packets/s


def add_routers(net, fabric):
    """The switches as plain hosts (router namespaces); their interfaces get the switch's MAC after build."""
    from mininet.node import Host
    for name in fabric.switches:
        net.addHost(name, cls=Host, ip=None)


def configure_routers(net, fabric):
    """IPv4 forwarding, the router's address on its loopback, every interface with the switch's MAC
    (frames addressed to the router by its neighbours' static entries), and the routes."""
    for name, sw in fabric.switches.items():
        node = net.get(name)
        node.cmd("sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 "
                 "net.ipv4.conf.all.send_redirects=0 net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1")
        ports = [i.name for i in node.intfList() if i.name != "lo" and not i.name.endswith("-eth%d" % deployment.MGMT_PORT)]
        _ip_batch(node, ["address add %s/32 dev lo" % sw.address] +
                  ["link set dev %s address %s" % (p, sw.mac) for p in ports], "addresses")
        node.cmd(" ; ".join("sysctl -qw net.ipv4.conf.%s.rp_filter=0 net.ipv6.conf.%s.disable_ipv6=1 ; ethtool -K %s tx off"
                            " >/dev/null" % (p, p, p) for p in ports))
        apply_routes(net, fabric, name)


def apply_routes(net, fabric, switch):
    """The switch's routes from the topology: each /32 out of its port, with a static neighbour entry
    for the next hop's MAC (the routers answer no ARP for each other's routes: like the P4 variant,
    the next hop's MAC is in the route). Routes of a port that went away are replaced (a core switch
    of a fat-tree whose only link into a pod is down keeps none into it). One
    `ip -batch` per router (hundreds of single commands take minutes on a loaded machine)."""
    lines = []
    neighbour = {port: name for name, port in fabric.switches[switch].ports.items()}
    for prefix, port, mac in fabric.routes(switch):
        if not fabric.is_up(switch, neighbour[port]):
            continue        # a down link's routes are gone (the kernel removed them); nothing replaces them here
        intf = "%s-eth%d" % (switch, port)
        lines.append("route replace %s dev %s" % (prefix, intf))
        lines.append("neigh replace %s lladdr %s dev %s nud permanent" % (prefix.split("/")[0], mac, intf))
    _ip_batch(net.get(switch), lines, "routes")


def _ip_batch(node, lines, what):
    with tempfile.NamedTemporaryFile("w", prefix="dta-%s-" % node.name, suffix=".ip") as f:
        f.write("\n".join(lines) + "\n")
        f.flush()
        out = node.cmd("ip -batch %s 2>&1" % f.name)
    if out.strip():
        raise RuntimeError("%s: %s: %s" % (node.name, what, out.strip()))


def start_components(services, net, fabric, run_dir):
    """The collectors, the software translator in the translator router's namespace and a reporter
    agent in every other router's, started together (their JVM starts overlap), then awaited."""
    starts = [services.collector_start(net.get(c.name)) for c in fabric.hosts_of("collector")]
    starts.append(translator_start(services, net, fabric))
    for sw in fabric.reporters():
        starts.append(("agent-" + sw.name, ["reporter", "agent", "--config", os.path.join(run_dir, sw.name, "agent.yaml")],
                       net.get(sw.name), os.path.join(run_dir, sw.name, "agent.ready"), "the reporter agent on " + sw.name,
                       AGENT_JAVA_OPTS))
    services.start_together(starts)


def translator_start(services, net, fabric):
    """Services.start_together's entry for the software translator in the translator router's namespace."""
    tr = fabric.translator().name
    return ("translator-" + tr, ["translator", "run", "--config", os.path.join(services.run_dir, tr, "translator.yaml")],
            net.get(tr), os.path.join(services.run_dir, tr, "ready"), "the software translator on " + tr)


def agent_status(net, switch):
    """A reporter agent's /status, read inside its namespace (its admin endpoint is on the namespace's loopback)."""
    out = net.get(switch).cmd("%s -c 'import urllib.request,sys; sys.stdout.write(urllib.request.urlopen("
                              "\"http://127.0.0.1:%d/status\", timeout=10).read().decode())'"
                              % ("/usr/bin/python3", deployment.AGENT_ADMIN_PORT))
    try:
        return json.loads(out)
    except ValueError:
        return {"error": out.strip()}


def agents_sent(net, fabric):
    """Reports the agents sent, by kind, summed over the routers."""
    total = {}
    for sw in fabric.reporters():
        counters = agent_status(net, sw.name).get("counters", {})
        for k in ("postcards", "key_writes", "key_increments", "drop_events", "congestion_events", "queue_drop_events"):
            total[k] = total.get(k, 0) + counters.get(k, 0)
    return total


def limit_queue(net, switch, port, limit):
    """The bottleneck: an htb at QUEUE_RATE_BITS with a `limit`-packet FIFO on the switch's port:
    its root qdisc's queue length is the depth the agent reports, its drops the queue-drop events."""
    intf = "%s-eth%d" % (switch, port)
    node = net.get(switch)
    for cmd in ("tc qdisc replace dev %s root handle 5: htb default 1" % intf,
                "tc class replace dev %s parent 5: classid 5:1 htb rate %dbit burst 1600" % (intf, QUEUE_RATE_BITS),
                "tc qdisc replace dev %s parent 5:1 handle 10: pfifo limit %d" % (intf, limit)):
        out = node.cmd(cmd + " 2>&1")
        if "rror" in out:
            raise RuntimeError("%s: %s: %s" % (switch, cmd, out.strip()))


def cut_link(net, fabric, a, b):
    """Both ends of the link down (a Linux router, unlike BMv2, carries on with its other ports)."""
    for sw, peer in ((a, b), (b, a)):
        net.get(sw).cmd("ip link set %s-eth%d down" % (sw, fabric.switches[sw].ports[peer]))


def reroute(net, fabric):
    """After a link went down: every router's routes again from the topology (the agents re-read
    their rewritten files themselves)."""
    for name in fabric.switches:
        apply_routes(net, fabric, name)


def agent_files(fabric, run_dir):
    """Each agent's configuration file's text."""
    out = {}
    for sw in fabric.reporters():
        with open(os.path.join(run_dir, sw.name, "agent.yaml")) as f:
            out[sw.name] = f.read()
    return out


def await_agents_reloaded(net, fabric, run_dir, before, deadline):
    """Until every agent whose file the rewrite changed has reloaded it (they poll their files; the
    failure scenario's rewrite is the only one of a run: its first reload). Returns their names."""
    changed = [name for name, text in agent_files(fabric, run_dir).items() if before[name] != text]
    while True:
        pending = [n for n in changed if agent_status(net, n).get("reloads", 0) < 1]
        if not pending:
            return changed
        if time.time() > deadline:
            raise RuntimeError("reporter agents %s did not reload their rewritten configuration" % pending)
        time.sleep(0.3)

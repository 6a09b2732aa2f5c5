"""./dta mininet: builds a fabric in Mininet, programs it through the project's switch controller,
starts the collectors and the query service, then opens the Mininet CLI or runs traffic for a
while; tears everything down on exit, Ctrl-C, SIGTERM or an error."""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import time

from . import deployment, restarts, scenarios, software, topology
from .flows import BASE_PORT, PYTHON, TRAFFIC, plan_flows, query_flows, run_traffic

MISSING_PREREQUISITE = 3                                  # exit code: the test skips (or fails in CI)
MGMT_PORT = deployment.MGMT_PORT


def parse(argv):
    p = argparse.ArgumentParser(prog="./dta mininet", description=(
        "DTA fabric in Mininet with the P4 programs as the switches (docs/mininet.md): BMv2 reporters "
        "on every leaf and spine, the P4 translator as the collectors' ToR, 2 collectors (raw mode), "
        "the query service; programmed by the switch controller from a deployment file the topology "
        "generates. Needs root, Mininet (apt-get install -y mininet iputils-ping ethtool python3-thrift) and BMv2 "
        "(../shared/p4tools/install.sh or DTA_P4_BIN)."))
    p.add_argument("topology", choices=sorted(topology.TOPOLOGIES), help="the fabric")
    p.add_argument("--software", action="store_true", help="the software variant, for machines without BMv2: "
                   "Linux routers (network namespaces) as the switches, a reporter agent per router (./dta reporter agent), "
                   "the software translator in the translator router's namespace; no BMv2, p4c or Thrift needed")
    p.add_argument("--k", type=int, default=4, help="fat-tree: the switches' port count k, even, 4..8 "
                   "(k=4: 20 switches, 14 servers; the collectors' rack takes one edge switch)")
    p.add_argument("--duration", type=float, help="stay up this many seconds (the --traffic run first, "
                   "however long --packets and --rate make it), then tear down; without it, the Mininet CLI")
    p.add_argument("--traffic", action="store_true", help="UDP flows between servers of different sizes")
    p.add_argument("--flows", type=int, default=16, help="number of flows of --traffic (default 16)")
    p.add_argument("--packets", type=int, default=10, help="datagrams per flow (default 10)")
    p.add_argument("--rate", type=float, default=20, help="datagrams per second of all flows together (default 20: "
                   "each becomes up to 4 reports, and the BMv2 translator handles ~100-1000 reports/s, docs/p4.md)")
    p.add_argument("--congestion", action="store_true", help="after the traffic (with --duration): fill the "
                   "bottleneck port's queue with a burst and send datagrams no switch routes; the queue depths "
                   "(Key-Write) and the congestion and drop events (Append) are queried and go into --check")
    p.add_argument("--failure", action="store_true", help="last (with --duration): take the failure link down "
                   "(leaf-spine: a spine's link to a leaf; fat-tree: an aggregation switch's link to a core switch), rewrite the deployment file (the controller applies it) "
                   "and check that a new flow's path goes around it; goes into --check")
    p.add_argument("--collector-restart", action="store_true", help="(with --duration) kill -9 a collector under "
                   "traffic, start it again: its queue pair goes down and comes back (it announces itself), the reports "
                   "lost meanwhile are counted, its earlier data stays queryable; goes into --check")
    p.add_argument("--translator-restart", action="store_true", help="(with --duration) kill -9 the translator "
                   "switch's simple_switch_grpc, start it again on the same ports: the controller re-programs it and "
                   "new flows' reports land; goes into --check")
    p.add_argument("--run-dir", help="deployment, configurations, data and logs (default <repo>/.dta/mininet)")
    p.add_argument("--check", metavar="FILE", help="after the traffic, query every flow's path and byte "
                   "counter and write them with the expected path (from the topology) to FILE (JSON)")
    args = p.parse_args(argv)
    scenarios_asked = ["--" + n.replace("_", "-") for n in ("congestion", "collector_restart", "translator_restart", "failure")
                       if getattr(args, n)]
    if scenarios_asked and args.duration is None:
        p.error("%s: the scenarios run after the traffic, before the end of --duration; add --duration "
                "(without it the Mininet CLI opens)" % ", ".join(scenarios_asked))
    return args


def prerequisites(repo, software_variant=False):
    """Refuses clearly: names what is missing and how to install it (the software variant needs no BMv2)."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (Mininet creates namespaces and interfaces): run with sudo")
    try:
        import mininet.net  # noqa: F401
    except ImportError:
        missing.append("Mininet: apt-get install -y mininet iputils-ping ethtool "
                       "(run with Debian's /usr/bin/python3)")
    for tool, package in (("ethtool", "ethtool"), ("ip", "iproute2"), ("tc", "iproute2"), ("mnexec", "mininet"),
                          ("ping", "iputils-ping")):
        if shutil.which(tool) is None:
            missing.append("%s: apt-get install -y %s" % (tool, package))
    bin_dir = None
    if not software_variant:
        try:
            import thrift  # noqa: F401
        except ImportError:
            missing.append("Thrift for Python (BMv2 queue settings): apt-get install -y python3-thrift")
        from .bmv2 import find_bin
        bin_dir = find_bin()
    if bin_dir is None and not software_variant:
        missing.append("BMv2 simple_switch_grpc and p4c-bm2-ss: ../shared/p4tools/install.sh (root), "
                       "or p4lang's packages on the PATH, or DTA_P4_BIN=<dir>")
    if missing:
        print("dta mininet: cannot start:\n  - " + "\n  - ".join(missing), file=sys.stderr)
        sys.exit(MISSING_PREREQUISITE)
    return bin_dir


def build_network(fabric, bin_dir, log_dir):
    from mininet.net import Mininet
    from mininet.node import Host, Node
    net = Mininet(topo=None, controller=None, build=False, autoSetMacs=False, autoStaticArp=False)
    if fabric.software:
        software.add_routers(net, fabric)
    else:
        from .bmv2 import Bmv2Switch, BMV2_THRIFT_PORT
        for name, sw in fabric.switches.items():
            did = deployment.device_id(fabric, name)
            thrift = BMV2_THRIFT_PORT if sw.role == "translator" else BMV2_THRIFT_PORT + did
            net.addSwitch(name, cls=Bmv2Switch, bin_dir=bin_dir, device_id=did, grpc_port=deployment.p4runtime_port(fabric, name),
                          thrift_port=thrift, log_dir=log_dir)
    for h in fabric.hosts.values():
        net.addHost(h.name, cls=Host, ip="%s/%d" % (h.ip, h.prefix_len), mac=h.mac)
    for l in fabric.links:
        net.addLink(l.a, l.b, port1=l.a_port, port2=l.b_port)
    root = Node("root", inNamespace=False)
    mgmt = {name: (net.addLink(net.get(name), root, port1=MGMT_PORT), addresses)
            for name, addresses in deployment.management(fabric).items()}
    net.build()
    admin = deployment.controller_admin(fabric).split(":")[0]
    for name, (link, (host_ip, root_ip)) in mgmt.items():
        link.intf1.setIP(host_ip, 30)
        root.setIP(root_ip, 30, intf=link.intf2)
        if admin != root_ip:    # the controller's admin endpoint, on the root's end of another link
            net.get(name).cmd("ip route replace %s/32 via %s dev %s" % (admin, root_ip, link.intf1.name))
    return net, root


def configure_hosts(net, fabric):
    """What a ToR that answers no ARP needs: a default route via the subnet's gateway with a static
    neighbour entry (the ToR's MAC), static entries for the hosts of the same subnet, no IPv6 chatter,
    checksum offload off (BMv2 forwards frames as read; a veth leaves checksums to the receiver)."""
    for h in fabric.hosts.values():
        node = net.get(h.name)
        intf = node.defaultIntf().name
        node.cmd("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1")
        node.cmd("ethtool -K %s tx off" % intf)
        node.cmd("ip route replace default via %s dev %s" % (h.gateway, intf))
        node.cmd("ip neigh replace %s lladdr %s dev %s" % (h.gateway, fabric.switches[h.switch].mac, intf))
        for peer in fabric.hosts.values():
            if peer is not h and peer.switch == h.switch:
                # a router (software variant) takes only frames addressed to it: a neighbour is reached through it
                mac = fabric.switches[h.switch].mac if fabric.software else peer.mac
                node.cmd("ip neigh replace %s lladdr %s dev %s" % (peer.ip, mac, intf))
    if fabric.software:
        software.configure_routers(net, fabric)
        return
    for name in fabric.switches:
        for intf in net.get(name).intfList():
            subprocess.run(["sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % intf.name], check=False)


def ping_servers(net, fabric):
    """Every server pings one server on every other leaf and its leaf neighbour, through the reporters."""
    servers = fabric.hosts_of("server")
    results = []
    for src in servers:
        for dst in servers:
            if src is dst or (src.switch != dst.switch and dst.name[-1] != "1"):
                continue
            out = net.get(src.name).cmd("ping -c1 -W2 %s" % dst.ip)
            results.append((src.name, dst.name, " 0% packet loss" in out))
    return results


def report_counts(status, net=None, fabric=None):
    """Reports the reporters (or, software variant, the agents) sent and the translator received, by kind."""
    sent = {}
    for r in status.get("reporters", []):
        for k, v in r.get("reports_sent", {}).items():
            sent[k] = sent.get(k, 0) + v
    if fabric is not None and fabric.software:
        a = software.agents_sent(net, fabric)
        sent = {"postcard": a.get("postcards", 0), "bytes": a.get("key_increments", 0),
                "event": a.get("drop_events", 0) + a.get("congestion_events", 0) + a.get("queue_drop_events", 0)}
    received = status["translators"][0]["counters"]["reports"]
    return ("reporters sent %d postcards, %d byte counts, %d events; the translator received %d postcards, "
            "%d key-increments, %d appends" % (sent.get("postcard", 0), sent.get("bytes", 0), sent.get("event", 0),
                                                received.get("postcard", 0), received.get("key-increment", 0),
                                                received.get("append", 0)))


def print_banner(fabric, net, http, flows):
    if fabric.software:
        print("\n*** DTA fabric '%s' is up: SOFTWARE VARIANT (no BMv2: Linux routers, a reporter agent per router, "
              "the software translator; queue depths and drops from the kernel's qdiscs, docs/mininet.md)" % fabric.name)
    else:
        print("\n*** DTA fabric '%s' is up" % fabric.name)
    for sw in fabric.switches.values():
        if fabric.software:
            what = ("software translator, P4Runtime %s" % deployment.p4runtime_address(fabric, sw.name)
                    if sw.role == "translator" else "Linux router + reporter agent")
        else:
            what = "P4Runtime %s" % deployment.p4runtime_address(fabric, sw.name)
        print("    %-7s %-11s switch id %3d  %s  %s" % (sw.name, sw.role, sw.switch_id, sw.address, what))
    for h in fabric.hosts.values():
        print("    %-7s %-10s %s on %s port %d" % (h.name, h.role, h.ip, h.switch, h.port))
    print("*** dashboard: http://%s/dashboard/   (query service on %s; HTTP API http://%s/api/v1)"
          % (http, fabric.hosts_of("query")[0].name, http))
    example = flows[0]["key"] if flows else None
    if example is None:
        s = fabric.hosts_of("server")
        example = "%s:%d->%s:%d/udp" % (s[0].ip, BASE_PORT, s[-1].ip, BASE_PORT + 1000)
        print("*** make a flow, e.g.:  %s python3 %s send --dst %s --sport %d --dport %d --size 200 --count 5"
              % (s[0].name, TRAFFIC, s[-1].ip, BASE_PORT, BASE_PORT + 1000))
    q = fabric.hosts_of("query")[0].name
    print("*** example queries:")
    print("    ./dta query path -s %s -k '%s' --server %s:%d" % (deployment.PATHS, example, deployment.query_address(fabric), deployment.QUERY_GRPC))
    print("    ./dta query counter -s %s -k '%s' --server %s:%d" % (deployment.BYTES, example, deployment.query_address(fabric), deployment.QUERY_GRPC))
    print("    curl -G http://%s/api/v1/stores/%s/path --data-urlencode 'key=%s'" % (http, deployment.PATHS, example))
    print("    (in the Mininet CLI: %s ./dta query path -s %s -k '...' --server %s:%d)"
          % (q, deployment.PATHS, deployment.query_address(fabric), deployment.QUERY_GRPC), flush=True)


def main(argv=None):
    args = parse(argv if argv is not None else sys.argv[1:])
    repo = deployment.REPO
    bin_dir = prerequisites(repo, args.software)
    from .services import Services
    from mininet.log import setLogLevel
    setLogLevel("output")    # the CLI prints command output at this level; Mininet's progress is "info"

    fabric = topology.FatTree(args.k) if args.topology == topology.FatTree.name else topology.TOPOLOGIES[args.topology]()
    fabric.software = args.software
    if args.failure and fabric.failure_link is None:
        print("dta mininet: --failure: rerouting around a failed link is not modelled for %s" % fabric.name, file=sys.stderr)
        return 2
    run_dir = os.path.abspath(args.run_dir or os.path.join(repo, ".dta", "mininet-software" if args.software else "mininet"))
    if os.path.isdir(run_dir) and os.listdir(run_dir):
        # an earlier run's directory: its deployment, or only the logs of a run that failed before writing one
        if not os.path.exists(os.path.join(run_dir, "deployment.yaml")) and os.listdir(run_dir) != ["logs"]:
            print("dta mininet: --run-dir %s is not empty and holds no deployment.yaml of an earlier run: "
                  "name a new or an earlier run's directory (it is emptied at start)" % run_dir, file=sys.stderr)
            return 2
        shutil.rmtree(run_dir)           # a fresh deployment: the collectors' stores start empty
    log_dir = os.path.join(run_dir, "logs")
    os.makedirs(log_dir)
    started = time.time()

    modules = ("collector", "controller", "query") + (("translator", "reporter") if args.software else ())
    for module in modules:   # build once here, not inside the hosts
        subprocess.run([os.path.join(repo, "dta"), module, "--help"], stdout=subprocess.DEVNULL, check=True)
    reporter_json = translator_json = None
    if not args.software:
        from .bmv2 import compile_v1model
        p4c_dir = os.path.join(repo, "mininet", "target", "p4c")
        reporter_json = compile_v1model(bin_dir, repo, "reporter/reporter_v1model.p4", p4c_dir)
        translator_json = compile_v1model(bin_dir, repo, "translator/translator_v1model.p4", p4c_dir)
    deployment_file = deployment.write(fabric, run_dir, reporter_json, translator_json)
    print("*** deployment: %s" % deployment_file, flush=True)

    def on_term(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)   # also when started in the background (SIGINT inherited ignored)
    net = root = None
    services = Services(repo, run_dir, log_dir)
    code = 0
    try:
        print("*** starting %d %s and %d hosts" % (len(fabric.switches), "Linux routers (software variant)" if args.software
                                                    else "BMv2 switches", len(fabric.hosts)), flush=True)
        net, root = build_network(fabric, bin_dir, log_dir)
        net.start()
        configure_hosts(net, fabric)
        if args.software:
            print("*** collectors on %s (raw ingest), the software translator on %s (raw mode), reporter agents on %d routers"
                  % (", ".join(c.name for c in fabric.hosts_of("collector")), fabric.translator().name,
                     len(fabric.reporters())), flush=True)
            software.start_components(services, net, fabric, run_dir)
        for c in ([] if args.software else fabric.hosts_of("collector")):
            print("*** collector on %s (%s, raw ingest)" % (c.name, c.ip), flush=True)
            services.start_collector(net.get(c.name))
        print("*** switch controller (root namespace), programming the fabric", flush=True)
        services.start_controller(deployment_file)
        services.await_fabric_programmed(180)
        q = fabric.hosts_of("query")[0]
        services.start_query(net.get(q.name))
        http = "%s:%d" % (deployment.query_address(fabric), deployment.QUERY_HTTP)
        pings = ping_servers(net, fabric)
        print("*** pings through the reporters: %d/%d answered (%.0f s since start)"
              % (sum(ok for *_, ok in pings), len(pings), time.time() - started), flush=True)
        flows = plan_flows(fabric, args.flows, args.packets) if args.traffic else []
        print_banner(fabric, net, http, flows)
        if args.duration is None:
            from mininet.cli import CLI
            CLI(net)
        else:
            end = time.time() + args.duration
            if flows:
                print("*** traffic: %d flows x %d datagrams, %.0f datagrams/s in all" % (len(flows), args.packets, args.rate), flush=True)
                run_traffic(net, flows, args.rate / len(flows), log_dir)
                print("*** %d of %d datagrams arrived" % (sum(f["received"]["packets"] for f in flows),
                                                         sum(f["sent"]["packets"] for f in flows)), flush=True)
            if args.check:
                query_flows(flows, http, 60)
            congestion = None
            if args.congestion:
                t0 = time.time()
                congestion = scenarios.congestion(net, fabric, http, TRAFFIC, PYTHON)
                congestion["software"] = fabric.software
                congestion["seconds"] = round(time.time() - t0, 1)
                print("*** congestion at %s port %d: %s" % (congestion["switch"], congestion["port"],
                                                            scenarios.summary(congestion)), flush=True)
            collector_restart = translator_restart = None
            if args.collector_restart:
                t0 = time.time()
                collector_restart = restarts.collector_restart(net, fabric, services, http, log_dir)
                collector_restart["seconds"] = round(time.time() - t0, 1)
                print("*** " + restarts.collector_summary(collector_restart), flush=True)
            if args.translator_restart:
                t0 = time.time()
                translator_restart = restarts.translator_restart(net, fabric, services, http, log_dir)
                translator_restart["seconds"] = round(time.time() - t0, 1)
                print("*** " + restarts.translator_summary(translator_restart), flush=True)
            failure = None
            if args.failure:
                t0 = time.time()
                failure = scenarios.link_failure(net, fabric, services, lambda: deployment.write(
                    fabric, run_dir, reporter_json, translator_json), http, TRAFFIC, PYTHON)
                failure["seconds"] = round(time.time() - t0, 1)
                print("*** link %s-%s down: %s applied the new routes in %.0f s; a new flow's path %s "
                      "(before the failure %s), %d/%d datagrams arrived" % (
                          failure["link"][0], failure["link"][1], "routers and agents" if fabric.software else "the controller",
                          failure["reroute_seconds"], failure["valid_hops"],
                          failure["path_before"], failure["received"], failure["sent"]), flush=True)
            if args.check:
                with open(args.check, "w") as out:
                    json.dump({"congestion": congestion, "failure": failure, "collector_restart": collector_restart,
                               "translator_restart": translator_restart, "topology": fabric.name, "software": fabric.software,
                               "pings": [list(p) for p in pings], "flows": flows,
                               "switches": {n: s.switch_id for n, s in fabric.switches.items()},
                               "controller": services.controller_status(),
                               "seconds": round(time.time() - started, 1)}, out, indent=2)
                print("*** check written to %s" % args.check, flush=True)
            if flows:
                time.sleep(2)    # the controller polls the translator's counters every second
                print("*** " + report_counts(services.controller_status(), net, fabric), flush=True)
            while time.time() < end:
                time.sleep(0.5)
    except KeyboardInterrupt:
        print("\n*** interrupted", flush=True)
        code = 130
    except Exception as e:   # noqa: BLE001  tear down whatever failed, then say why
        print("dta mininet: %s" % e, file=sys.stderr, flush=True)
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("*** tearing down (logs: %s)" % log_dir, flush=True)
        services.stop_all()
        if net is not None:
            net.stop()
        if root is not None:
            for intf in list(root.intfList()):
                intf.delete()
    return code

"""Scenarios run on a fabric that is up and programmed, each recording what it did and what the
query service answered (the runner writes it into the --check file).

congestion: the fabric's bottleneck port (topology: `bottleneck`) drains at a few packets/s; a
burst of a background flow through it fills its queue while a probe flow crosses it. The reporter
there writes each crossing flow's queue depth (Key-Write, store queue-depth) and appends a
congestion event for every packet that found the queue at least CONGESTION_THRESHOLD deep; a few
datagrams to an address no switch routes become drop events at the sender's leaf.

link_failure: a link is cut (leaf-spine: a spine's link to a leaf; fat-tree: an aggregation-core link), the deployment rewritten around it, the controller applies it, and a
new flow's path is the path around the link."""

import ipaddress
import json
import signal
import subprocess
import time
import urllib.error
import urllib.parse

from . import deployment, software
from .flows import crosses
from .services import http_json

EVENT_DROP, EVENT_CONGESTION, EVENT_QUEUE_DROPS = 1, 2, 3   # 3: the software agents' qdisc drops
QUEUE_RATE = 20          # packets/s the bottleneck port drains during the burst
QUEUE_DEPTH = 16         # packets it holds; more are tail-dropped by BMv2's traffic manager
BURST = {"count": 80, "size": 200, "rate": 40}     # background: 2 s at twice the drain rate
PROBE = {"count": 5, "size": 100, "rate": 20}      # probe: 5 datagrams in 0.25 s, inside the burst
UNROUTED = {"count": 3, "size": 64, "rate": 10}
PORTS = {"background": (30000, 31000), "probe": (30001, 31001), "unrouted": (30002, 31002)}


def decode_event(value):
    """An Append entry of the reporter: event << 24 | switch id (8 bits) << 16 | queue depth (16 bits)."""
    return {"event": value >> 24, "switch_id": (value >> 16) & 0xFF, "queue_depth": value & 0xFFFF}


def congestion(net, fabric, http, traffic_py, python, timeout=60):
    switch, neighbour = fabric.bottleneck
    port = fabric.switches[switch].ports[neighbour]
    dst = next(h for h in fabric.hosts_of("server") if h.switch == neighbour)
    srcs = [h for h in fabric.hosts_of("server")
            if h.switch != neighbour and switch in fabric.path(h.name, dst.name)]
    probe_src, background_src = srcs[0], srcs[1]
    if fabric.software:     # the router's port: an htb at about QUEUE_RATE packets/s into a QUEUE_DEPTH FIFO
        software.limit_queue(net, switch, port, QUEUE_DEPTH)
    else:
        from .bmv2_runtime import Bmv2Runtime
        with Bmv2Runtime(net.get(switch).thrift_port) as q:
            q.set_queue_depth(port, QUEUE_DEPTH)
            q.set_queue_rate(port, QUEUE_RATE)

    sink = net.get(dst.name).popen([python, traffic_py, "sink", "--port", str(PORTS["background"][1]),
                                    "--port", str(PORTS["probe"][1])], stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()   # "ready"
    flows = {}

    def send(name, src, dst_ip, spec):
        sport, dport = PORTS[name]
        flows[name] = {"src": src.name, "dst_ip": dst_ip, "key": "%s:%d->%s:%d/udp" % (src.ip, sport, dst_ip, dport)}
        return net.get(src.name).popen([python, traffic_py, "send", "--dst", dst_ip, "--sport", str(sport), "--dport",
                                        str(dport), "--count", str(spec["count"]), "--size", str(spec["size"]),
                                        "--rate", str(spec["rate"])], stdout=subprocess.PIPE, text=True)
    senders = {"background": send("background", background_src, dst.ip, BURST)}
    time.sleep(0.3)          # the probe's datagrams meet a queue the burst has started to fill, and
    #                          background datagrams queue behind them (deq_qdepth: the queue behind)
    senders["probe"] = send("probe", probe_src, dst.ip, PROBE)
    for name, p in senders.items():
        flows[name]["sent"] = json.loads(p.communicate()[0].strip().splitlines()[-1])["packets"]
    time.sleep(QUEUE_DEPTH / QUEUE_RATE + 1)   # the queue drains
    sink.send_signal(signal.SIGTERM)
    got = json.loads(sink.communicate(timeout=10)[0].strip().splitlines()[-1])
    for name in ("background", "probe"):
        flows[name]["received"] = got[str(PORTS[name][1])]["packets"]

    # A datagram to an address of the destination's subnet that no host has: no switch routes it.
    taken = {h.ip for h in fabric.hosts.values()}
    net_ = ipaddress.IPv4Network(fabric.switches[neighbour].subnet)
    unrouted_ip = next(str(a) for a in net_.hosts() if str(a) not in taken and not str(a).endswith(".254"))
    p = send("unrouted", probe_src, unrouted_ip, UNROUTED)
    flows["unrouted"]["sent"] = json.loads(p.communicate()[0].strip().splitlines()[-1])["packets"]

    result = {"software": fabric.software, "switch": switch, "switch_id": fabric.switches[switch].switch_id, "port": port,
              "towards": neighbour, "queue_rate": QUEUE_RATE, "queue_depth": QUEUE_DEPTH,
              "threshold": deployment.CONGESTION_THRESHOLD,
              "drop_switch_id": fabric.switches[probe_src.switch].switch_id, "flows": flows}
    _await_answers(result, http, timeout)
    return result


def _await_answers(result, http, timeout):
    """The queue depths (Key-Write) of the two flows and the events (Append list 0) from the query
    service, queried until the events of both kinds are there (reports are in flight a while)."""
    base = "http://%s/api/v1/stores" % http
    deadline = time.time() + timeout
    while True:
        try:
            for name in ("background", "probe"):
                key = urllib.parse.quote(result["flows"][name]["key"], safe="")
                result["flows"][name]["queue_answer"] = http_json("%s/%s/kw?key=%s" % (base, deployment.QUEUE, key))
            answer = http_json("%s/%s/append/0?from=0&max=10000" % (base, deployment.EVENTS))
        except urllib.error.HTTPError as e:    # e.g. 503 before the first report created a store's file
            answer = {"error": "%s: %s" % (e, e.read().decode(errors="replace"))}
        result["events_answer_error"] = answer.get("error")
        result["events"] = [decode_event(e["value"]) for e in answer.get("entries", [])]
        kinds = {e["event"] for e in result["events"]}
        wanted = {EVENT_DROP, EVENT_CONGESTION} | ({EVENT_QUEUE_DROPS} if result.get("software") else set())
        lost = sum(result["flows"][n]["sent"] - result["flows"][n]["received"] for n in ("background", "probe"))
        queue_drops = sum(e["queue_depth"] for e in result["events"] if e["event"] == EVENT_QUEUE_DROPS)
        if wanted <= kinds and (not result.get("software") or queue_drops >= lost) and sum(e["event"] == EVENT_DROP for e in result["events"]) \
                >= result["flows"]["unrouted"]["sent"] or time.time() > deadline:
            return
        time.sleep(0.5)


def summary(result):
    f = result["flows"]
    ev = result["events"]
    return ("background %d/%d and probe %d/%d datagrams through the queue; queue depth (Key-Write) background %s, "
            "probe %s; %d congestion events (deepest %d), %d drop events, %d queue-drop events (%d packets)" % (
                f["background"]["received"], f["background"]["sent"], f["probe"]["received"], f["probe"]["sent"],
                f["background"].get("queue_answer", {}).get("value_uint"), f["probe"].get("queue_answer", {}).get("value_uint"),
                sum(e["event"] == EVENT_CONGESTION for e in ev),
                max([e["queue_depth"] for e in ev if e["event"] == EVENT_CONGESTION], default=0),
                sum(e["event"] == EVENT_DROP for e in ev), sum(e["event"] == EVENT_QUEUE_DROPS for e in ev),
                sum(e["queue_depth"] for e in ev if e["event"] == EVENT_QUEUE_DROPS)))


def link_failure(net, fabric, services, rewrite_deployment, http, traffic_py, python, timeout=180):
    """Cuts the fabric's `failure_link` (both switches remove their port of it), marks it down in the topology and
    rewrites the deployment file: the controller, which watches the file, applies the new routes and
    flow rules (docs/controller.md), as an operator would after a link failure. Then a new flow whose
    path crossed the link is sent and its path queried: it must be the path around the link."""
    a, b = fabric.failure_link
    status = services.controller_status()
    reloads = status.get("reloads", 0)
    servers = fabric.hosts_of("server")
    src, dst = next((s, d) for s in servers for d in servers if s is not d and crosses(fabric.path(s.name, d.name), [(a, b)]))
    before = fabric.path(src.name, dst.name)
    t0 = time.time()
    if fabric.software:
        software.cut_link(net, fabric, a, b)
    else:
        from .bmv2_runtime import Bmv2Runtime
        for sw, peer in ((a, b), (b, a)):   # not `ip link set down`: BMv2 freezes (docs/mininet.md)
            with Bmv2Runtime(net.get(sw).thrift_port) as rt:
                rt.remove_port(fabric.switches[sw].ports[peer])
    fabric.take_down(a, b)
    after = fabric.path(src.name, dst.name)
    deadline = time.time() + timeout
    if fabric.software:
        # The routers' kernel routes and their agents' flow rules are what the controller writes into P4
        # reporters: the routes set again, the agents re-read their rewritten files.
        before_files = software.agent_files(fabric, services.run_dir)
        rewrite_deployment()
        software.reroute(net, fabric)
        software.await_agents_reloaded(net, fabric, services.run_dir, before_files, deadline)
    else:
        rewrite_deployment()
        while services.controller_status().get("reloads", 0) <= reloads:
            if time.time() > deadline:
                raise RuntimeError("the controller did not apply the rewritten deployment in %d s: %s"
                                   % (timeout, services.controller_status().get("reload_error")))
            time.sleep(0.5)
    services.await_fabric_programmed(max(10, deadline - time.time()))
    rerouted_s = round(time.time() - t0, 1)
    programmed = {r["name"]: {k: r.get(k) for k in ("state", "sessions", "writes", "write_failures", "flows", "last_error")}
                  for r in services.controller_status().get("reporters", [])}
    ping = net.get(src.name).cmd("ping -c3 -i0.3 -W2 %s" % dst.ip)

    sport, dport = 30010, 31010
    key = "%s:%d->%s:%d/udp" % (src.ip, sport, dst.ip, dport)
    sink = net.get(dst.name).popen([python, traffic_py, "sink", "--port", str(dport)], stdout=subprocess.PIPE, text=True)
    sink.stdout.readline()
    sent_at = time.time()
    sender = net.get(src.name).popen([python, traffic_py, "send", "--dst", dst.ip, "--sport", str(sport), "--dport",
                                      str(dport), "--count", "5", "--size", "100", "--rate", "10"],
                                     stdout=subprocess.PIPE, text=True)
    sent = json.loads(sender.communicate()[0].strip().splitlines()[-1])["packets"]
    time.sleep(1)
    sink.send_signal(signal.SIGTERM)
    received = json.loads(sink.communicate(timeout=10)[0].strip().splitlines()[-1])[str(dport)]["packets"]
    expected = [fabric.switches[s].switch_id for s in after]
    base = "http://%s/api/v1/stores/%s/path?key=%s" % (http, deployment.PATHS, urllib.parse.quote(key, safe=""))
    answer, valid = None, []
    end = time.time() + 60
    while time.time() < end:
        answer = http_json(base)
        valid = [h["switch_id"] for h in answer.get("hops", []) if h.get("valid")]
        if len(valid) >= len(expected):
            break
        time.sleep(0.5)
    return {"link": [a, b], "src": src.name, "dst": dst.name, "key": key,
            "path_before": [fabric.switches[s].switch_id for s in before], "expected_path": expected,
            "switches_after": after, "sent": sent, "received": received, "path_answer": answer,
            "valid_hops": valid, "reroute_seconds": rerouted_s, "reporters": programmed,
            "ping_after": ping.strip().splitlines()[-2:] if ping.strip() else [],
            "times": {"down": t0, "sent": sent_at}}

"""UDP flows between a fabric's servers: planned from the topology (each with the path its packets
take), sent with the bundled generator (traffic.py), and their answers (the path and the byte
counter) fetched from the query service. The traffic run and the scenarios share these."""

import json
import os
import signal
import subprocess
import time
import urllib.parse

from . import deployment
from .services import http_json

TRAFFIC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "traffic.py")
PYTHON = "/usr/bin/python3"
FLOW_SIZES = ([64], [512], [1200], [64, 1400])           # payload bytes, a mix per flow
BASE_PORT = 20000


def flow(fabric, src, dst, sport, dport, sizes, packets):
    """One flow from server `src` to server `dst` (Host objects) with the path the topology's routes take."""
    return {"src": src.name, "dst": dst.name, "src_ip": src.ip, "dst_ip": dst.ip,
            "sport": sport, "dport": dport, "sizes": list(sizes), "packets": packets,
            "key": "%s:%d->%s:%d/udp" % (src.ip, sport, dst.ip, dport),
            "expected_path": [fabric.switches[s].switch_id for s in fabric.path(src.name, dst.name)],
            "expected_switches": fabric.path(src.name, dst.name)}


def plan_flows(fabric, n, packets, base_port=BASE_PORT, avoid=()):
    """`n` flows over the servers, a mix of one-hop and multi-hop paths and of payload sizes;
    with `avoid` (switch pairs), only server pairs whose path crosses none of those links."""
    servers = fabric.hosts_of("server")
    pairs = []
    for i in range(len(servers) * len(servers)):
        src = servers[i % len(servers)]
        dst = servers[(i + 1 + (i // len(servers)) * 3) % len(servers)]
        if dst is src:
            dst = servers[(i + 2) % len(servers)]
        if not crosses(fabric.path(src.name, dst.name), avoid):
            pairs.append((src, dst))
    return [flow(fabric, *pairs[i % len(pairs)], base_port + i, base_port + 1000 + i, FLOW_SIZES[i % len(FLOW_SIZES)], packets)
            for i in range(n)]


def crosses(path, links):
    hops = set(zip(path, path[1:])) | set(zip(path[1:], path))
    return any(tuple(l) in hops for l in links)


def run_traffic(net, flows, rate, log_dir):
    """Sinks on the destinations, senders on the sources, all flows at once at `rate` datagrams/s
    each; fills each flow's `sent` (packets, IPv4 bytes) and `received` (datagrams counted by the sink)."""
    sinks = {}
    for f in flows:
        sinks.setdefault(f["dst"], []).append(f["dport"])
    sink_procs = {}
    for host, ports in sinks.items():
        args = [PYTHON, TRAFFIC, "sink"] + sum((["--port", str(p)] for p in ports), [])
        with open(os.path.join(log_dir, "sink-%s.log" % host), "a") as err:
            p = net.get(host).popen(args, stdout=subprocess.PIPE, stderr=err, text=True)
        p.stdout.readline()   # "ready"
        sink_procs[host] = p
    senders = []
    for f in flows:
        args = [PYTHON, TRAFFIC, "send", "--dst", f["dst_ip"], "--sport", str(f["sport"]), "--dport", str(f["dport"]),
                "--count", str(f["packets"]), "--rate", str(rate)] + sum((["--size", str(s)] for s in f["sizes"]), [])
        senders.append((f, net.get(f["src"]).popen(args, stdout=subprocess.PIPE, text=True)))
    for f, p in senders:
        out, _ = p.communicate()
        f["sent"] = json.loads(out.strip().splitlines()[-1])
    time.sleep(1)
    received = {}
    for host, p in sink_procs.items():
        p.send_signal(signal.SIGTERM)
        out, _ = p.communicate(timeout=10)
        received.update({int(k): v for k, v in json.loads(out.strip().splitlines()[-1]).items()})
    for f in flows:
        f["received"] = received.get(f["dport"], {"packets": 0, "bytes": 0})


def complete(f):
    """The flow's path has every hop and its counter at least the bytes sent."""
    valid = [h for h in f["path_answer"].get("hops", []) if h.get("valid")]
    return len(valid) >= len(f["expected_path"]) and f["bytes_answer"].get("estimate", 0) >= f["sent"]["ip_bytes"]


def query_flows(flows, http, timeout, wait=True):
    """Each flow's path and byte counter from the query service's HTTP API; with `wait`, waits (up
    to `timeout` s in all) for the paths to show the expected number of valid hops and the counters
    the bytes sent (reports are in flight for a while: BMv2 is slow)."""
    base = "http://%s/api/v1/stores" % http
    deadline = time.time() + timeout
    for f in flows:
        key = urllib.parse.quote(f["key"], safe="")
        while True:
            f["path_answer"] = http_json("%s/%s/path?key=%s" % (base, deployment.PATHS, key))
            f["bytes_answer"] = http_json("%s/%s/counter?key=%s" % (base, deployment.BYTES, key))
            if not wait or complete(f) or time.time() > deadline:
                break
            time.sleep(0.5)

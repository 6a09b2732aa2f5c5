"""The deployment file and the collectors' configurations a fabric generates: addresses, MACs,
ports, switch ids, routes and flow rules all come from the topology (topology.py); nothing here
knows a particular topology. Written as JSON, which is YAML (the project's loader reads it)."""

import ipaddress
import json
import os
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Store layouts (the collectors' side; the deployment names them). Small: a fabric run is short.
STORES = [
    {"name": "queue-depth", "id": 1, "kind": "key-write", "slots": "2^16", "value-bytes": 4, "redundancy": 2},
    {"name": "flow-bytes", "id": 2, "kind": "key-increment", "rows": 2, "columns": "2^14"},
    {"name": "paths", "id": 3, "kind": "postcard", "rows": "2^14", "hops": 5},
    {"name": "drops", "id": 4, "kind": "append", "lists": 1, "entries-per-list": "2^12"},
]
PATHS, BYTES, QUEUE, EVENTS = "paths", "flow-bytes", "queue-depth", "drops"
CONGESTION_THRESHOLD = 4    # packets queued at the bottleneck from which a packet is a congestion event
P4RUNTIME_BASE = 50000      # switch with device id d: 127.0.0.1:50000+d (root namespace)
QUERY_GRPC, QUERY_HTTP = 40045, 40046
CONTROLLER_ADMIN_PORT = 40244
REPORT_PORT = 40040         # the translator's report port (the P4 programs' and the deployment's default)
AGENT_ADMIN_PORT = 40250    # a reporter agent's admin endpoint, on its router namespace's loopback
MGMT_PORT = 9    # a management link's interface on its host: q1-eth9, c1-eth9
MANAGEMENT_NET = "172.31.254.0/24"     # links from the query and collector hosts to the root namespace


def management(fabric):
    """The management links: the query host and each collector get a /30 to the root namespace,
    {host name: (the host's address, the root namespace's address)}. The query service listens on
    the query host's; the controller's admin endpoint on the root's end of the first link, where
    the collectors announce their starts (POST /announce) over their own links. In the software
    variant the translator's router namespace gets one too (its P4Runtime server listens there)."""
    base = ipaddress.IPv4Network(MANAGEMENT_NET).network_address
    names = [h.name for h in fabric.hosts_of("query") + fabric.hosts_of("collector")]
    if fabric.software:
        names.append(fabric.translator().name)
    return {name: (str(base + 4 * i + 1), str(base + 4 * i + 2)) for i, name in enumerate(names)}


def query_address(fabric):
    """The query service's address: the query host's end of its management link."""
    return management(fabric)[fabric.hosts_of("query")[0].name][0]


def controller_admin(fabric):
    """host:port of the controller's admin endpoint (status, metrics, announcements)."""
    return "%s:%d" % (management(fabric)[fabric.hosts_of("query")[0].name][1], CONTROLLER_ADMIN_PORT)


def p4runtime_address(fabric, switch):
    """Where the controller reaches a switch's P4Runtime server: BMv2's on the root namespace's
    loopback; the software translator's on its namespace's end of its management link."""
    if fabric.software:
        return "%s:%d" % (management(fabric)[switch][0], p4runtime_port(fabric, switch))
    return "127.0.0.1:%d" % p4runtime_port(fabric, switch)


def p4runtime_port(fabric, switch):
    return P4RUNTIME_BASE + device_id(fabric, switch)


def device_id(fabric, switch):
    return list(fabric.switches).index(switch) + 1


def flow_rules(fabric, switch):
    """One rule per server pair whose path crosses `switch`: its hop index on that path and the
    path's length; the first hop also counts the flow's bytes (Key-Increment), so the counter is
    the bytes the sender put on the wire, not a multiple of them. On the fabric's bottleneck switch
    the flows leaving through the bottleneck port also write the queue depth they saw there
    (Key-Write, keyed by the flow)."""
    rules = []
    servers = fabric.hosts_of("server")
    for src in servers:
        for dst in servers:
            if src is dst:
                continue
            path = fabric.path(src.name, dst.name)
            if switch not in path:
                continue
            hop = path.index(switch)
            rule = {"src": src.ip, "dst": dst.ip,
                    "postcard": {"store": PATHS, "hop": hop, "path-length": len(path)}}
            if hop == 0:
                rule["bytes"] = BYTES
            if fabric.bottleneck == (switch, fabric.next_hop(switch, dst)):
                rule["queue-depth"] = QUEUE
            rules.append(rule)
    return rules


def events(fabric, switch):
    """Drops (no route) become Append events on every reporter; congestion events (a queue at least
    CONGESTION_THRESHOLD deep) on the bottleneck switch."""
    ev = {"store": EVENTS, "list": 0}
    if fabric.bottleneck and fabric.bottleneck[0] == switch:
        ev["congestion-threshold"] = CONGESTION_THRESHOLD
    return ev


def routes(fabric, switch):
    return [{"prefix": p, "action": "forward", "port": port, "dst-mac": mac}
            for p, port, mac in fabric.routes(switch)]


def deployment(fabric, run_dir, reporter_json, translator_json):
    tr = fabric.translator()
    collectors = fabric.hosts_of("collector")
    d = {
        "deployment": {"name": "mininet-" + fabric.name},
        "controller": {
            # beyond loopback (the collectors announce themselves over the management links) on an
            # emulated lab network that only this machine's root namespace reaches: no TLS, on purpose
            "admin": {"address": controller_admin(fabric), "allow-insecure": True},
            "rpc-deadline": "30s",                  # BMv2 takes seconds to load a pipeline
            "cm": {"timeout": "1s", "retries": 5, "secret-file": secret_file(run_dir)},
            "reconnect": {"min-backoff": "200ms", "max-backoff": "2s"},
            "poll-interval": "1s",
        },
        "collectors": [{
            "name": c.name, "index": i, "address": c.ip, "mac": c.mac,
            "data-dir": collector_dir(run_dir, c),
        } for i, c in enumerate(collectors)],
        "stores": [{"name": s["name"], "id": s["id"], "kind": s["kind"]} for s in STORES],
        "translators": [{
            "name": tr.name,
            "p4runtime": p4runtime_address(fabric, tr.name),
            "device-id": device_id(fabric, tr.name),
            "pipeline": "software" if fabric.software else "bmv2",
            "address": tr.address,
            "mac": tr.mac,
            "settings": {"probe-interval": "1s", "ack-interval": 16, "flush-interval": "2s"},
            "routes": routes(fabric, tr.name),
        }],
        "reporters": [],
    }
    if fabric.software:
        # The software translator has one port: the controller's default /32 routes to the collectors out of
        # it, and its namespace's kernel routes the rest. The routers' reporter agents read their own
        # files (agent_config), not P4Runtime.
        del d["translators"][0]["routes"]
        return d
    d["translators"][0]["device-config"] = translator_json
    for sw in fabric.reporters():
        port, mac = fabric.report_path(sw.name)
        d["reporters"].append({
            "name": sw.name,
            "p4runtime": "127.0.0.1:%d" % p4runtime_port(fabric, sw.name),
            "device-id": device_id(fabric, sw.name),
            "pipeline": "bmv2",
            "device-config": reporter_json,
            "switch-id": sw.switch_id,
            "address": sw.address,
            "mac": sw.mac,
            "translator": tr.name,
            "report-port": port,
            "next-hop-mac": mac,
            "events": events(fabric, sw.name),
            "routes": routes(fabric, sw.name),
            "flows": flow_rules(fabric, sw.name),
        })
    return d


def collector_dir(run_dir, host):
    return os.path.join(run_dir, host.name, "data")


def secret_file(run_dir):
    """The deployment's RDMA CM secret (docs/security.md): the controller and every collector read it."""
    return os.path.join(run_dir, "cm-secret")


def collector_config(fabric, run_dir, host):
    return {
        "collector": {"name": host.name},
        "network": {"address": host.ip, "ingest": "raw"},
        "data-dir": collector_dir(run_dir, host),
        "admin": {"enabled": True, "address": "127.0.0.1:40042"},
        "cm": {"secret-file": secret_file(run_dir)},
        "controller": {"admin": controller_admin(fabric)},   # announces each start (docs/reliability.md)
        "stores": STORES,
    }


def store_id(name):
    return next(s["id"] for s in STORES if s["name"] == name)


def agent_config(fabric, switch):
    """A software router's reporter agent (./dta reporter agent, docs/reporter.md "Agent"): what the
    controller writes into a P4 reporter (switch id, translator, flow rules, events), with store ids
    for names, and the /32 prefixes the router has routes for (a packet for none of them is a drop)."""
    sw = fabric.switches[switch]
    tr = fabric.translator()
    ev = events(fabric, switch)
    flows = []
    for rule in flow_rules(fabric, switch):
        pc = rule["postcard"]
        f = {"src": rule["src"] + "/32", "dst": rule["dst"] + "/32",
             "postcard": {"store": store_id(pc["store"]), "hop": pc["hop"], "path-length": pc["path-length"]}}
        if "bytes" in rule:
            f["bytes"] = store_id(rule["bytes"])
        if "queue-depth" in rule:
            f["queue-depth"] = store_id(rule["queue-depth"])
        flows.append(f)
    return {"name": switch, "switch-id": sw.switch_id, "address": sw.address,
            "translator": "%s:%d" % (tr.address, REPORT_PORT),
            "routes": [prefix for prefix, _, _ in fabric.routes(switch)],
            "flows": flows,
            "events": {"store": store_id(ev["store"]), "list": ev["list"],
                       "congestion-threshold": ev.get("congestion-threshold", 0)},
            "queue-drop-interval": 200,
            "admin": "127.0.0.1:%d" % AGENT_ADMIN_PORT}


def translator_config(fabric, run_dir):
    """The software translator in the translator's router namespace: raw mode (exact ICRCs: the
    collectors verify every one), its P4Runtime server on its management link (the controller, in
    the root namespace, programs it), announcing its starts to the controller."""
    tr = fabric.translator()
    return {
        "translator": {"name": tr.name, "device-id": device_id(fabric, tr.name)},
        "p4runtime": {"address": p4runtime_address(fabric, tr.name), "allow-insecure": True},
        "network": {"address": tr.address, "mac": tr.mac, "report-port": REPORT_PORT, "mode": "raw"},
        "admin": {"enabled": True, "address": "127.0.0.1:40043"},
        "controller": {"admin": controller_admin(fabric)},
    }


def query_config(deployment_file, address):
    """The query service on the query host, listening on its management link to the root namespace
    only (an emulated lab network with no other users: plain text is accepted there on purpose)."""
    return {
        "service": {"name": "query"},
        "grpc": {"address": "%s:%d" % (address, QUERY_GRPC), "allow-insecure": True},
        "http": {"address": "%s:%d" % (address, QUERY_HTTP), "allow-insecure": True},
        "source": {"deployment": deployment_file},
    }


def write(fabric, run_dir, reporter_json, translator_json):
    """Writes deployment.yaml, one collector.yaml per collector host and query.yaml; returns the
    deployment's path."""
    os.makedirs(run_dir, exist_ok=True)
    if not os.path.exists(secret_file(run_dir)):
        subprocess.run([os.path.join(REPO, "dta"), "cm-secret", secret_file(run_dir)], stdout=subprocess.DEVNULL, check=True)
    path = os.path.join(run_dir, "deployment.yaml")
    _write(path, deployment(fabric, run_dir, reporter_json, translator_json))
    for c in fabric.hosts_of("collector"):
        os.makedirs(os.path.join(run_dir, c.name), exist_ok=True)
        _write(os.path.join(run_dir, c.name, "collector.yaml"), collector_config(fabric, run_dir, c))
    _write(os.path.join(run_dir, "query.yaml"), query_config(path, query_address(fabric)))
    if fabric.software:
        for sw in fabric.reporters():
            os.makedirs(os.path.join(run_dir, sw.name), exist_ok=True)
            _write(os.path.join(run_dir, sw.name, "agent.yaml"), agent_config(fabric, sw.name))
        tr = fabric.translator().name
        os.makedirs(os.path.join(run_dir, tr), exist_ok=True)
        _write(os.path.join(run_dir, tr, "translator.yaml"), translator_config(fabric, run_dir))
    return path


def _write(path, doc):
    """Written whole, then renamed: the controller and the agents watch these files and never read half of one."""
    with open(path + ".tmp", "w") as f:
        f.write("# generated by ./dta mininet from the topology: edits are overwritten\n")
        json.dump(doc, f, indent=2)
        f.write("\n")
    os.replace(path + ".tmp", path)

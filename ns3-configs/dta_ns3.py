#!/usr/bin/python3
"""./dta ns3: size a DTA deployment in ns-3 (docs/ns3.md).

  ./dta ns3 run ns3-configs/leaf-spine-small [--out DIR] [--set key=value ...]
  ./dta ns3 sweep leaf-spine-small --param collectors=1,2,4 [--param load=0.3,0.6] [--jobs 2]
  ./dta ns3 check ns3-configs/fat-tree-k8      (validate a scenario file only)
  ./dta ns3 build                               (compile the ns-3 programs only)

A scenario is one file of `key: value` lines (# comments); every key is documented in SCHEMA below
and in the shipped files. Outputs go to .dta/ns3/<scenario>/ (CSV, PNG plots, summary.txt).
"""
import argparse
import csv
import itertools
import math
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BUILD = os.path.join(ROOT, ".dta", "ns3", "bin")
MODULES = "ns3-core ns3-network ns3-internet ns3-point-to-point ns3-applications ns3-traffic-control"
PROGRAMS = ("dta-sim", "dta-vectors", "dta-trace")


def _range(convert, lo, hi, what):
    def check(v):
        x = convert(v)
        if not lo <= x <= hi:
            raise ValueError
        return x
    check.allowed = f"{what} {lo}..{hi}"
    return check


def _int(lo, hi):
    return _range(int, lo, hi, "an integer")


def _num(lo, hi):
    return _range(float, lo, hi, "a number")


def _one_of(*values):
    def check(v):
        if v not in values:
            raise ValueError
        return v
    check.allowed = "one of " + ", ".join(values)
    return check


# key -> (check, default or None when required, meaning). The order is the documentation's.
SCHEMA = {
    # topology
    "topology": (_one_of("leaf-spine", "fat-tree"), None, "fabric: leaf-spine (two tiers) or a k-ary fat tree"),
    "leaves": (_int(1, 512), 0, "leaf-spine: number of leaf (ToR) switches"),
    "spines": (_int(1, 256), 0, "leaf-spine: number of spine switches (each leaf links to every spine)"),
    "hosts_per_leaf": (_int(1, 256), 0, "leaf-spine: hosts under each leaf"),
    "k": (_int(2, 64), 0, "fat-tree: k (even): k pods of k/2 edge + k/2 aggregation switches, (k/2)^2 cores, k/2 hosts per edge"),
    "link_gbps": (_num(0.001, 1600), 100, "fabric link speed, Gb/s"),
    "host_gbps": (_num(0.001, 1600), 25, "host link speed, Gb/s (sets the data flows' rates)"),
    "link_delay_us": (_num(0, 10000), 1, "propagation delay of every link, microseconds"),
    "queue_packets": (_int(1, 1000000), 1000, "packets each link's output queue holds before it drops"),
    # traffic
    "workload": (_one_of("web-search", "data-mining"), "web-search", "flow-size distribution (ns3-configs/workloads/)"),
    "load": (_num(0, 0.95), 0.5, "data load on the host links, fraction; the fabric keeps (1 - load) of each link for telemetry"),
    "sim_seconds": (_num(0.0001, 100), None, "simulated time during which reporters send"),
    "warmup_ms": (_num(0, 1e6), 20, "flows that started this long before t = 0 are drawn too, so telemetry starts at its steady rate"),
    "seed": (_int(1, 2**31 - 1), 1, "random seed (runs are deterministic for a seed)"),
    # telemetry
    "sample_rate": (_num(0, 1), 0.01, "fraction of data packets that trigger telemetry (postcards, Key-Increment, Key-Write)"),
    "postcards": (_int(0, 1), 1, "1: every switch on a sampled packet's path sends a postcard (INT postcards per hop)"),
    "key_increments": (_int(0, 1), 1, "1: the first-hop ToR sends a Key-Increment of the flow's bytes per sampled packet"),
    "key_writes": (_int(0, 1), 1, "1: the last-hop ToR sends a Key-Write of the flow's latest value per sampled packet"),
    "append_rate": (_num(0, 1e9), 1000, "Append events (drops/congestion) per switch per second (Poisson); 0 = none"),
    "sketch_interval_ms": (_num(0, 1e6), 1, "every ToR ships its sketch's touched counters every this many ms; 0 = no Sketch-Merge"),
    # DTA stores and translator
    "kw_slots_log2": (_int(1, 29), 16, "Key-Write store: log2 slots per collector (8-byte slots)"),
    "kw_redundancy": (_int(1, 8), 2, "Key-Write redundancy N"),
    "ki_rows": (_int(1, 8), 2, "Key-Increment sketch rows (= FETCH_ADDs per report)"),
    "ki_columns_log2": (_int(1, 29), 16, "Key-Increment log2 columns"),
    "pc_rows_log2": (_int(1, 29), 16, "Postcard store: log2 rows per collector"),
    "pc_hops": (_int(1, 8), 5, "Postcard store: hops per row (>= the longest path: 3 leaf-spine, 5 fat-tree)"),
    "ap_entries_log2": (_int(1, 28), 12, "Append: log2 entries per list (one list per switch)"),
    "ap_batch": (_one_of("1", "2", "4", "8", "16"), "4", "Append batch B: entries per RDMA WRITE"),
    "sk_rows": (_int(1, 8), 2, "Sketch-Merge store rows (same as the switches' local sketches)"),
    "sk_columns_log2": (_int(4, 24), 12, "Sketch-Merge log2 columns"),
    "pc_cache_log2": (_int(1, 24), 16, "translator postcard cache: log2 entries (software default 16, Tofino 15 per pipe)"),
    "flush_interval_us": (_num(1, 1e7), 1000, "translator idle flush interval for postcards and Append batches, microseconds"),
    "translator_tor": (_int(0, 100000), 0, "index of the ToR that runs the translator; the collectors hang below it"),
    "collectors": (_int(1, 256), 1, "number of collectors; buckets map to collectors by the default map (bucket mod n)"),
    # collector NIC
    "collector_link_gbps": (_num(0.001, 1600), 100, "bandwidth of each collector's NIC link, Gb/s"),
    "nic_mpps": (_num(0.001, 10000), 100, "collector NIC message rate, million RDMA requests per second"),
    "nic_queue": (_int(1, 10000000), 4096, "requests the NIC's receive queue holds; more are dropped (over-rate)"),
    # classic collector
    "classic_cores": (_num(0.001, 4096), 1, "CPU cores of the classic collector"),
    "classic_queue": (_int(1, 100000000), 4096, "reports the classic collector's socket queue holds"),
    "classic_ns_kw": (_num(0, 1e9), 3788, "classic collector CPU ns per Key-Write report (docs/performance.md, collector CPU)"),
    "classic_ns_ki": (_num(0, 1e9), 4262, "classic collector CPU ns per Key-Increment report"),
    "classic_ns_pc": (_num(0, 1e9), 4312, "classic collector CPU ns per Postcard report"),
    "classic_ns_ap": (_num(0, 1e9), 3520, "classic collector CPU ns per Append report"),
    "classic_ns_sk": (_num(0, 1e9), 3638, "classic collector CPU ns per Sketch-Merge report"),
    # the sizing question
    "target_loss": (_num(0, 1), 0.001, "sizing target: largest acceptable fraction of reports lost"),
    "target_readability": (_num(0, 1), 0.99, "sizing target: smallest acceptable Key-Write readability"),
}


class ScenarioError(Exception):
    pass


def resolve(name):
    for candidate in (name, name + ".conf", os.path.join(HERE, name), os.path.join(HERE, name + ".conf"),
                      os.path.join(ROOT, name + ".conf")):
        if os.path.isfile(candidate):
            return os.path.abspath(candidate)
    shipped = sorted(f[:-5] for f in os.listdir(HERE) if f.endswith(".conf"))
    raise ScenarioError(f"no scenario '{name}' (looked for it as a file and in ns3-configs/); shipped: {', '.join(shipped)}")


def parse(path, overrides=()):
    """The scenario's parameters, validated; errors name file:line, the field and what is allowed."""
    values, where = {}, {}
    with open(path) as f:
        for number, raw in enumerate(f, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            if ":" not in line:
                raise ScenarioError(f"{path}:{number}: expected 'key: value', got '{line}'")
            key, value = (s.strip() for s in line.split(":", 1))
            if key not in SCHEMA:
                raise ScenarioError(f"{path}:{number}: unknown field '{key}'; fields: {', '.join(SCHEMA)}")
            if key in values:
                raise ScenarioError(f"{path}:{number}: '{key}' given twice (first at line {where[key]})")
            values[key], where[key] = value, number
    for item in overrides:
        key, _, value = item.partition("=")
        if key not in SCHEMA:
            raise ScenarioError(f"--set/--param {item}: unknown field '{key}'; fields: {', '.join(SCHEMA)}")
        values[key], where[key] = value, "command line"
    params = {}
    for key, (check, default, meaning) in SCHEMA.items():
        if key not in values:
            if default is None:
                raise ScenarioError(f"{path}: required field '{key}' is missing ({meaning}; {check.allowed})")
            params[key] = default
            continue
        try:
            params[key] = check(values[key])
        except ValueError:
            raise ScenarioError(f"{path}:{where[key]}: field '{key}' = '{values[key]}' is not allowed: "
                                f"{check.allowed} ({meaning})") from None
    topo = params["topology"]
    need = ("leaves", "spines", "hosts_per_leaf") if topo == "leaf-spine" else ("k",)
    for key in need:
        if key not in values:
            raise ScenarioError(f"{path}: topology {topo} needs '{key}' ({SCHEMA[key][2]})")
    if topo == "fat-tree" and params["k"] % 2:
        raise ScenarioError(f"{path}:{where['k']}: field 'k' = {params['k']} is not allowed: an even integer")
    tors = params["leaves"] if topo == "leaf-spine" else params["k"] ** 2 // 2
    if params["translator_tor"] >= tors:
        raise ScenarioError(f"{path}:{where.get('translator_tor', '?')}: field 'translator_tor' = {params['translator_tor']} "
                            f"is not allowed: a ToR index 0..{tors - 1}")
    longest = 3 if topo == "leaf-spine" else 5
    if params["pc_hops"] < longest:
        raise ScenarioError(f"{path}:{where.get('pc_hops', '?')}: field 'pc_hops' = {params['pc_hops']} is not allowed: "
                            f">= {longest}, the longest path of a {topo}")
    params["workload_file"] = os.path.join(HERE, "workloads", params["workload"] + ".cdf")
    return params


# ---------------------------------------------------------------- build
def ns3_missing():
    if shutil.which("pkg-config") is None:
        return "pkg-config"
    if subprocess.run(["pkg-config", "--exists"] + MODULES.split(), capture_output=True).returncode != 0:
        return "ns-3 3.37 development files"
    if shutil.which("g++") is None:
        return "g++"
    return None


def build(quiet=False):
    missing = ns3_missing()
    if missing:
        raise ScenarioError(f"{missing} not found. Install ns-3 from Debian: "
                            "apt-get install -y ns3 libns3-dev libgsl-dev g++ pkg-config python3-matplotlib")
    os.makedirs(BUILD, exist_ok=True)
    sources = [os.path.join(HERE, d, f) for d in ("model", "programs") for f in os.listdir(os.path.join(HERE, d))]
    newest = max(os.path.getmtime(s) for s in sources)
    flags = subprocess.run(["pkg-config", "--cflags", "--libs"] + MODULES.split(), capture_output=True, text=True,
                           check=True).stdout.split()
    for program in PROGRAMS:
        binary = os.path.join(BUILD, program)
        if os.path.exists(binary) and os.path.getmtime(binary) >= newest:
            continue
        if not quiet:
            print(f"ns3: compiling {program} (once; about a minute)...", file=sys.stderr, flush=True)
        cmd = ["g++", "-std=c++17", "-O2", "-Wall", os.path.join(HERE, "programs", program + ".cc"), "-o", binary + ".tmp"]
        if program == "dta-sim":
            cmd += flags
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode != 0:
            raise ScenarioError(f"compiling {program} failed:\n{result.stderr[-4000:]}")
        os.replace(binary + ".tmp", binary)
    return BUILD


# ---------------------------------------------------------------- run
def read_csv(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def simulate(params, out, progress=True):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "params.txt"), "w") as f:
        for key, value in params.items():
            f.write(f"{key}={value}\n")
    proc = subprocess.Popen([os.path.join(BUILD, "dta-sim"), os.path.join(out, "params.txt"), out],
                            stderr=subprocess.PIPE, text=True)
    log = []
    for line in proc.stderr:
        log.append(line)
        if progress:
            print("ns3: " + line.rstrip().removeprefix("dta-sim: "), file=sys.stderr, flush=True)
    if proc.wait() != 0:
        raise ScenarioError(f"dta-sim failed (exit {proc.returncode}):\n{''.join(log[-20:])}")
    return summarize(params, out)


def summarize(params, out):
    """Scalar results of one run (the sweep plots these) and summary.txt answering the sizing question."""
    reports = read_csv(os.path.join(out, "reports.csv"))
    run = read_csv(os.path.join(out, "run.csv"))[0]
    collectors = read_csv(os.path.join(out, "collectors.csv"))
    series = read_csv(os.path.join(out, "timeseries.csv"))
    readability = read_csv(os.path.join(out, "readability.csv"))
    classic = read_csv(os.path.join(out, "classic.csv"))
    pcs = read_csv(os.path.join(out, "postcards.csv"))[0]
    T = params["sim_seconds"]
    created = sum(int(r["created"]) for r in reports)
    lost = sum(int(r["lost"]) for r in reports)
    n = params["collectors"]
    peak_msgs = max(sum(float(row[f"collector{c}_msgs_per_s"]) for c in range(n)) for row in series)
    peak_bytes = max(sum(float(row[f"collector{c}_bytes_per_s"]) for c in range(n)) for row in series)
    nic = params["nic_mpps"] * 1e6
    link = params["collector_link_gbps"] * 1e9 / 8
    configured = next((r for r in readability if r["configured"] == "1"), None)
    results = {
        "reports_per_s": created / T,
        "loss_fraction": lost / created if created else 0.0,
        "rdma_requests_per_s": sum(int(c["messages"]) for c in collectors) / T,
        "peak_nic_utilization": max(float(row[f"collector{c}_msgs_per_s"]) for row in series for c in range(n)) / nic,
        "readability": float(configured["measured"]) if configured else float("nan"),
        "readability_formula": float(configured["formula"]) if configured else float("nan"),
        "latency_p99_us": max(float(r["latency_p99_us"]) for r in reports),
        "classic_cores_needed": sum(float(c["cores_needed"]) for c in classic),
        "postcard_paths_complete": int(pcs["complete_paths"]),
        "postcard_paths_evicted": int(pcs["evicted_early"]),
        "wall_seconds": float(run["wall_seconds"]),
        "events_per_second": float(run["events_per_wall_second"]),
        "max_rss_mb": float(run["max_rss_mb"]),
    }
    need_nic = max(1, math.ceil(peak_msgs / nic))
    need_link = max(1, math.ceil(peak_bytes / link))
    sizes = [r for r in readability if float(r["measured"]) >= params["target_readability"]]
    slots = int(sizes[0]["slots_per_collector"]) if sizes else None
    lines = [
        f"Scenario: {params['topology']}, {run['switches']} switches, load {params['load']}, workload {params['workload']}, "
        f"sample rate {params['sample_rate']}, {n} collector(s), {T} s simulated.",
        f"Reports: {created} ({created / T:,.0f}/s); lost {lost} ({results['loss_fraction']:.4%}; target {params['target_loss']:.4%}): "
        + ("target met." if results["loss_fraction"] <= params["target_loss"] else "target MISSED (losses.csv says where)."),
        f"RDMA requests at the collectors' NICs: peak {peak_msgs:,.0f}/s in total against {nic:,.0f}/s per NIC, "
        f"{peak_bytes * 8 / 1e9:.2f} Gb/s against {params['collector_link_gbps']} Gb/s per link.",
        f"Collectors needed for the message rate: {need_nic}; for the bandwidth: {need_link}; "
        f"so at least {max(need_nic, need_link)} (this run has {n}).",
        (f"Key-Write readability at {2 ** params['kw_slots_log2']} slots per collector: {results['readability']:.3f} "
         f"(formula {results['readability_formula']:.3f}); target {params['target_readability']} needs "
         + (f"{slots} slots per collector ({slots * 8 / 2**20:.2f} MiB)." if slots else
            "more slots than the largest size evaluated (readability.csv).")) if configured else
        "Key-Write: no keys written in this run.",
        f"Classic CPU collector for the same reports: {results['classic_cores_needed']:.1f} cores busy "
        f"(per-report costs from docs/performance.md); DTA collectors spend no CPU per report.",
        f"Simulation: {run['events']} events in {float(run['wall_seconds']):.1f} s wall "
        f"({float(run['events_per_wall_second']):,.0f} events/s, {float(run['wall_per_sim_second']):.0f} s wall per simulated s), "
        f"max RSS {float(run['max_rss_mb']):.0f} MB.",
    ]
    with open(os.path.join(out, "summary.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    return results


def plots(params, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    def save(fig, name):
        fig.tight_layout()
        fig.savefig(os.path.join(out, name))
        plt.close(fig)

    n = params["collectors"]
    links = read_csv(os.path.join(out, "links.csv"))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar([l["class"] for l in links], [float(l["bytes_per_s"]) * 8 / 1e9 for l in links])
    ax.set_ylabel("telemetry Gb/s (all links of the class)")
    ax.set_title("Telemetry bandwidth per link class")
    for i, l in enumerate(links):
        ax.annotate(f"max link {float(l['max_link_utilization']):.1%}", (i, 0), ha="center", va="bottom", fontsize=8)
    save(fig, "links.png")

    series = read_csv(os.path.join(out, "timeseries.csv"))
    t = [float(r["time_s"]) * 1e3 for r in series]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(t, [float(r["translator_in_pps"]) for r in series], label="reports in")
    ax.plot(t, [float(r["translator_out_pps"]) for r in series], label="RDMA requests out")
    ax.set_xlabel("simulated ms"); ax.set_ylabel("packets/s"); ax.set_title("Translator"); ax.legend()
    save(fig, "translator.png")

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.5))
    for c in range(n):
        a1.plot(t, [float(r[f"collector{c}_msgs_per_s"]) for r in series], label=f"collector {c}")
        a2.plot(t, [float(r[f"collector{c}_bytes_per_s"]) * 8 / 1e9 for r in series], label=f"collector {c}")
    a1.axhline(params["nic_mpps"] * 1e6, color="red", linestyle="--", label="NIC message rate")
    a2.axhline(params["collector_link_gbps"], color="red", linestyle="--", label="NIC link")
    a1.set_ylabel("RDMA requests/s"); a2.set_ylabel("Gb/s")
    for a in (a1, a2):
        a.set_xlabel("simulated ms"); a.set_yscale("log"); a.legend(fontsize=7)
    a1.set_title("Requests per collector vs NIC rate"); a2.set_title("Bytes per collector vs NIC link")
    save(fig, "collectors.png")

    losses = read_csv(os.path.join(out, "losses.csv"))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    prims = ["kw", "ki", "pc", "ap", "sk"]
    bottom = [0] * 5
    for row in losses:
        values = [int(row[p]) for p in prims]
        ax.bar(prims, values, bottom=bottom, label=row["place"])
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("reports lost"); ax.set_title("Reports lost, and where" + ("" if losses else ": none"))
    if losses:
        ax.legend(fontsize=7)
    save(fig, "losses.png")

    reports = read_csv(os.path.join(out, "reports.csv"))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    x = range(len(reports))
    ax.bar([i - 0.2 for i in x], [float(r["latency_p50_us"]) for r in reports], width=0.4, label="p50")
    ax.bar([i + 0.2 for i in x], [float(r["latency_p99_us"]) for r in reports], width=0.4, label="p99")
    ax.set_xticks(list(x), [r["primitive"] for r in reports]); ax.set_yscale("log")
    ax.set_ylabel("µs"); ax.set_title("Report creation to bytes in collector memory"); ax.legend()
    save(fig, "latency.png")

    rd = read_csv(os.path.join(out, "readability.csv"))
    if rd:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        s = [int(r["slots_per_collector"]) for r in rd]
        ax.plot(s, [float(r["measured"]) for r in rd], "o", label="measured (simulated keys)")
        ax.plot(s, [float(r["formula"]) for r in rd], "-", label="1-(1-e^{-Nk/S})^N")
        ax.set_xscale("log", base=2); ax.set_xlabel("Key-Write slots per collector (S)"); ax.set_ylabel("readable keys")
        ax.set_title(f"Key-Write readability, N = {params['kw_redundancy']}"); ax.legend()
        save(fig, "readability.png")

    pcs = read_csv(os.path.join(out, "postcards.csv"))[0]
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ax.bar(["complete", "evicted early", "idle flush"], [int(pcs["complete_paths"]), int(pcs["evicted_early"]), int(pcs["idle_flushes"])])
    ax.set_ylabel("postcard rows written"); ax.set_title("Postcard paths")
    save(fig, "postcards.png")

    classic = read_csv(os.path.join(out, "classic.csv"))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar([c["primitive"] for c in classic], [float(c["cores_needed"]) for c in classic], label="classic collector: cores busy")
    ax.axhline(0, color="green", label="DTA collector: 0 cores per report")
    ax.set_ylabel("CPU cores"); ax.set_title("Collector CPU: DTA vs classic"); ax.legend(fontsize=8)
    save(fig, "classic.png")


def out_dir(params_name, out):
    return out or os.path.join(ROOT, ".dta", "ns3", params_name)


def cmd_run(args):
    path = resolve(args.scenario)
    params = parse(path, args.set)
    build()
    out = out_dir(os.path.basename(path)[:-5] if path.endswith(".conf") else os.path.basename(path), args.out)
    print(f"ns3: running {path} -> {out}", file=sys.stderr)
    simulate(params, out)
    plots(params, out)
    with open(os.path.join(out, "summary.txt")) as f:
        print(f.read(), end="")
    print(f"ns3: CSV files, plots (*.png) and summary.txt in {out}", file=sys.stderr)


def cmd_sweep(args):
    path = resolve(args.scenario)
    grid = []
    for spec in args.param:
        key, _, values = spec.partition("=")
        if not values:
            raise ScenarioError(f"--param {spec}: expected key=v1,v2,...")
        grid.append([(key, v) for v in values.split(",")])
    points = list(itertools.product(*grid))
    base = os.path.basename(path)[:-5] if path.endswith(".conf") else os.path.basename(path)
    out = args.out or os.path.join(ROOT, ".dta", "ns3", base + "-sweep")
    runs = []
    for point in points:  # validate every point before running any
        params = parse(path, list(args.set) + [f"{k}={v}" for k, v in point])
        runs.append((point, params, os.path.join(out, ",".join(f"{k}={v}" for k, v in point))))
    build()
    print(f"ns3: sweep of {len(runs)} runs, {args.jobs} at a time -> {out}", file=sys.stderr)
    done = []

    def one(item):
        point, params, directory = item
        result = simulate(params, directory, progress=False)
        done.append(point)
        print(f"ns3: [{len(done)}/{len(runs)}] {' '.join(f'{k}={v}' for k, v in point)}: "
              f"loss {result['loss_fraction']:.4%}, peak NIC {result['peak_nic_utilization']:.1%}", file=sys.stderr, flush=True)
        return result

    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(one, runs))
    for _, params, directory in runs:  # matplotlib is not thread-safe: each run's plots, one after another
        plots(params, directory)
    keys = [k for k, _ in points[0]]
    with open(os.path.join(out, "sweep.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(keys + list(results[0]))
        for (point, _, _), r in zip(runs, results):
            w.writerow([v for _, v in point] + list(r.values()))
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    x_key = keys[0]
    for metric in results[0]:
        fig, ax = plt.subplots(figsize=(6, 3.5))
        lines = {}
        for (point, _, _), r in zip(runs, results):
            rest = ", ".join(f"{k}={v}" for k, v in point[1:])
            lines.setdefault(rest, []).append((point[0][1], r[metric]))
        for label, xy in lines.items():
            try:
                xs = [float(x) for x, _ in xy]
            except ValueError:
                xs = [x for x, _ in xy]
            ax.plot(xs, [y for _, y in xy], "o-", label=label or None)
        ax.set_xlabel(x_key); ax.set_ylabel(metric); ax.set_title(f"{metric} across the grid")
        if any(lines):
            ax.legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(os.path.join(out, f"{metric}.png"))
        plt.close(fig)
    print(f"ns3: sweep.csv and one plot per output ({len(results[0])}) in {out}", file=sys.stderr)


def main(argv):
    parser = argparse.ArgumentParser(prog="./dta ns3", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("run", help="build once, run one scenario, write CSV, plots and summary.txt")
    p.add_argument("scenario"); p.add_argument("--out"); p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    p = sub.add_parser("sweep", help="run a grid of parameter values in parallel; one plot per output")
    p.add_argument("scenario"); p.add_argument("--param", action="append", required=True, metavar="KEY=V1,V2,...")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE"); p.add_argument("--out")
    p.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 1))
    p = sub.add_parser("check", help="validate a scenario file")
    p.add_argument("scenario")
    sub.add_parser("build", help="compile the ns-3 programs")
    sub.add_parser("fields", help="list every scenario field with its meaning and allowed values")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            cmd_run(args)
        elif args.command == "sweep":
            cmd_sweep(args)
        elif args.command == "check":
            parse(resolve(args.scenario))
            print(f"ns3: {resolve(args.scenario)} is valid")
        elif args.command == "build":
            print(build())
        elif args.command == "fields":
            for key, (check, default, meaning) in SCHEMA.items():
                print(f"{key:22} {meaning}; {check.allowed}" + ("" if default is None else f"; default {default}"))
    except ScenarioError as e:
        print(f"ns3: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Restart scenarios on a fabric that is up and programmed (issue 11's failures), each recording
what it did, what the controller's status said and what the query service answered.

collector_restart: a collector's process is killed with SIGKILL under traffic. The translator
finds its queue pair dead (unanswered probes), the controller takes it down and keeps
reconnecting it; the reports meant for that collector are dropped and counted by the translator
(`queue_pair_down`), the other collector keeps receiving. The collector is started again with
its data directory: it announces itself (POST /announce to the controller), its queue pair comes
back, new flows land on it, and what it held before the kill is still there.

translator_restart: the translator switch's simple_switch_grpc (software variant: the software
translator's process) is killed with SIGKILL and started again on the same ports with no program. The controller finds the session gone, pushes the
pipeline, writes the tables and connects the queue pairs again; new flows' reports land."""

import threading
import time

from . import flows as fl
from . import software

SCENARIO_PACKETS = 3        # datagrams per flow in each phase
SCENARIO_FLOWS = 8          # flows per phase: with the keys' hashing both collectors get some
RATE = 10                   # datagrams/s per flow (8 flows: 80/s at most, under BMv2's limit)
# BMv2's translator probes lazily (docs/p4.md): a dead queue pair is found by the reports that
# arrive after each probe interval (1 s) with nothing answered, the fourth such report goes to the
# controller. So a slow trickle of flows runs while the collector is down, until it is found.
TRICKLE = {"packets": 20, "rate": 2}    # per flow: 10 s


def queue_pair(status, collector):
    return next(q for q in status["translators"][0]["queue_pairs"] if q["collector"] == collector)


def translator_counters(status):
    t = status["translators"][0]
    return {"reports": dict(t["counters"]["reports"]), "drops": dict(t["counters"]["drops"]),
            "state": t["state"], "sessions": t["sessions"], "pipeline_pushes": t["pipeline_pushes"],
            "queue_pairs": {q["collector"]: {k: q.get(k) for k in ("state", "connects", "downs", "failures",
                                                                   "collector_restarts", "lost_packets", "boot_id")}
                            for q in t["queue_pairs"]}}


def reports_sent(status, net, fabric):
    """Reports the reporters sent, all kinds together (their counters in the controller's status; the
    software variant's agents' own status)."""
    if fabric.software:
        return sum(software.agents_sent(net, fabric).values())
    return sum(v for r in status.get("reporters", []) for v in r.get("reports_sent", {}).values())


def phase(net, fabric, http, log_dir, base_port, wait=True, timeout=60, packets=SCENARIO_PACKETS, rate=RATE):
    """SCENARIO_FLOWS new flows (avoiding the congestion scenario's bottleneck), sent, then queried;
    with `wait`, until every path is complete and every counter at least the bytes sent."""
    avoid = [fabric.bottleneck] if fabric.bottleneck else []
    planned = fl.plan_flows(fabric, SCENARIO_FLOWS, packets, base_port=base_port, avoid=avoid)
    fl.run_traffic(net, planned, rate, log_dir)
    fl.query_flows(planned, http, timeout, wait=wait)
    return planned


def answers(flows_):
    return {f["key"]: {"collector": f["path_answer"].get("collector"),
                       "valid_hops": [h["switch_id"] for h in f["path_answer"].get("hops", []) if h.get("valid")],
                       "bytes": f["bytes_answer"].get("estimate", 0), "complete": fl.complete(f)} for f in flows_}


def _await(what, predicate, status_fn, timeout):
    """Polls the controller's status until `predicate(status)`; returns (status, seconds waited)."""
    t0 = time.time()
    while True:
        status = status_fn()
        if predicate(status):
            return status, round(time.time() - t0, 1)
        if time.time() - t0 > timeout:
            raise RuntimeError("%s: not after %d s; translator: %s" % (what, timeout, translator_counters(status)))
        time.sleep(0.5)


def _announcements(log, collector):
    """The announcements the collector's log says the controller answered."""
    with open(log) as f:
        return [l.strip() for l in f if "collector %s announced to the switch controller" % collector in l]


def _announcement(log, collector, earlier, timeout):
    """The restarted collector's announcement (the answered ones after the `earlier` ones); it may come
    after the controller's own back-off reconnected the queue pair: then it connects none. A
    collector retries an unanswered announcement for 30 s."""
    deadline = time.time() + timeout
    while True:
        lines = _announcements(log, collector)[earlier:]
        if lines or time.time() > deadline:
            return lines
        time.sleep(0.5)


def collector_restart(net, fabric, services, http, log_dir, timeout=90):
    victim = fabric.hosts_of("collector")[-1]
    survivor = fabric.hosts_of("collector")[0]
    before = phase(net, fabric, http, log_dir, 40000)
    status0 = services.controller_status()

    log = services.kill("collector-" + victim.name)
    earlier = len(_announcements(log, victim.name))
    killed = time.time()
    # Traffic right after the kill: the translator still writes to the dead queue pair until
    # its probes go unanswered; what it wrote meanwhile is lost to the collector (counted below).
    during = []
    trickle = threading.Thread(target=lambda: during.extend(
        phase(net, fabric, http, log_dir, 41000, wait=False, **TRICKLE)), daemon=True)
    trickle.start()
    down_status, _ = _await("the queue pair to the killed collector %s goes down" % victim.name,
                            lambda s: queue_pair(s, victim.name)["state"] != "up",
                            services.controller_status, timeout)
    down_s = round(time.time() - killed, 1)
    trickle.join()
    # The collector is still down: the other collector's flows land, the victim's are dropped.
    isolated = phase(net, fabric, http, log_dir, 42000, wait=False)
    fl.query_flows([f for f in isolated if f["path_answer"].get("collector") != victim.name], http, 30)
    time.sleep(1.5)               # the controller polls the translator's counters every second
    status_down = services.controller_status()

    restarted = time.time()
    ready = services.start_collector(net.get(victim.name))
    ready_s = round(time.time() - restarted, 1)
    connects = queue_pair(status_down, victim.name)["connects"]
    up_status, _ = _await("the queue pair to the restarted collector %s comes back" % victim.name,
                          lambda s: queue_pair(s, victim.name)["state"] == "up"
                          and queue_pair(s, victim.name)["connects"] > connects,
                          services.controller_status, timeout)
    up_s = round(time.time() - restarted, 1)
    services.await_fabric_programmed(timeout)
    after = phase(net, fabric, http, log_dir, 43000)
    before_again = [dict(f) for f in before]
    fl.query_flows(before_again, http, 10)

    announced = _announcement(log, victim.name, earlier, timeout=40)
    return {"victim": victim.name, "survivor": survivor.name, "boot_id_after": ready.get("boot-id"),
            "seconds_to_down": down_s, "seconds_to_ready": ready_s, "seconds_to_up": up_s,
            "announcements": announced,
            "before": answers(before), "before_after_restart": answers(before_again),
            "during": answers(during), "while_down": answers(isolated), "after": answers(after),
            "flows": {"before": before, "during": during, "while_down": isolated, "after": after},
            "translator": {"before_kill": translator_counters(status0), "queue_pair_down": translator_counters(down_status),
                           "while_down": translator_counters(status_down), "back_up": translator_counters(up_status),
                           "end": translator_counters(services.controller_status())}}


def translator_restart(net, fabric, services, http, log_dir, timeout=120):
    switch = net.get(fabric.translator().name)
    status0 = services.controller_status()
    sent_before = reports_sent(status0, net, fabric)
    if fabric.software:         # the software translator's process in its router's namespace
        services.kill("translator-" + switch.name)
    else:
        switch.crash()
    killed = time.time()
    lost = phase(net, fabric, http, log_dir, 44000, wait=False)   # reports to a switch that is not there
    time.sleep(1.5)               # the controller polls the reporters' counters every second
    sent_while_down = reports_sent(services.controller_status(), net, fabric) - sent_before
    if fabric.software:
        services.start_together([software.translator_start(services, net, fabric)])
    else:
        switch.start([])
    started_s = round(time.time() - killed, 1)
    pushes = status0["translators"][0]["pipeline_pushes"]
    _await("the controller pushes the pipeline to the restarted translator again",
           lambda s: s["translators"][0]["pipeline_pushes"] > pushes, services.controller_status, timeout)
    programmed = services.await_fabric_programmed(timeout)
    programmed_s = round(time.time() - killed, 1)
    # The first reports after the switch is programmed are not all counted by it (the same loss
    # as the fabric's first ping round, docs/mininet.md "Limits"): recorded; the next phase must land whole.
    after = phase(net, fabric, http, log_dir, 45000, timeout=20)
    resumed = phase(net, fabric, http, log_dir, 46000)
    end = services.controller_status()
    return {"switch": switch.name, "seconds_to_restart": started_s, "seconds_to_programmed": programmed_s,
            "reports_sent_while_down": sent_while_down, "while_down": answers(lost), "after": answers(after),
            "resumed": answers(resumed), "flows": {"while_down": lost, "after": after, "resumed": resumed},
            "translator": {"before_kill": translator_counters(status0), "programmed": translator_counters(programmed),
                           "end": translator_counters(end)}}


def _landed(section):
    return sum(1 for a in section.values() if a["complete"]), len(section)


def collector_summary(r):
    t = r["translator"]
    dropped = t["while_down"]["drops"]["queue_pair_down"] - t["before_kill"]["drops"]["queue_pair_down"]
    return ("collector %s killed: its queue pair down after %.1f s; while down %d reports for it dropped "
            "(queue_pair_down), %s's flows landed; restarted: ready in %.1f s, %s, queue pair up %.1f s after the "
            "start; %d/%d new flows landed" % (
                r["victim"], r["seconds_to_down"], dropped, r["survivor"], r["seconds_to_ready"],
                "announced itself" if r["announcements"] else "its announcement NOT answered", r["seconds_to_up"], *_landed(r["after"])))


def translator_summary(r):
    return ("translator %s killed and started again: re-programmed %.1f s after the kill; %d reports sent "
            "while it was down; new flows: the first round %d/%d landed, the next %d/%d" % (
                r["switch"], r["seconds_to_programmed"], r["reports_sent_while_down"], *_landed(r["after"]),
                *_landed(r["resumed"])))

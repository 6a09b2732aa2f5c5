"""The DTA processes of a fabric: the switch controller (root namespace), the collectors (on
their hosts, raw ingest) and the query service (on the query host), started through ./dta and
stopped by their own PIDs."""

import json
import os
import signal
import subprocess
import time
import urllib.request


class Process:
    """One started process: its Popen, name and log; stop() sends SIGTERM, then SIGKILL."""

    def __init__(self, name, popen, log):
        self.name, self.popen, self.log = name, popen, log

    def alive(self):
        return self.popen.poll() is None

    def stop(self, timeout=15):
        if not self.alive():
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


def read_ready(path, proc, timeout, what):
    """The key=value lines of a ready file, once the process wrote it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if not proc.alive():
            raise RuntimeError("%s exited with %s before it was ready; log: %s" % (what, proc.popen.returncode, proc.log))
        if os.path.exists(path):
            with open(path) as f:
                lines = [l.strip().split("=", 1) for l in f if "=" in l]
            if lines:
                return dict(lines)
        time.sleep(0.3)
    raise RuntimeError("%s not ready after %d s; log: %s" % (what, timeout, proc.log))


def http_json(url, timeout=30):   # generous: a query service JVM still warming up on a loaded machine
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return json.loads(r.read().decode())


class Services:
    def __init__(self, repo, run_dir, log_dir):
        self.repo, self.run_dir, self.log_dir = repo, run_dir, log_dir
        self.procs = []
        self.controller_admin = None
        self.env = dict(os.environ, DTA_NO_BUILD="1")

    def _start(self, name, args, host=None, java_opts=None):
        log = os.path.join(self.log_dir, name + ".log")
        env = dict(self.env, DTA_JAVA_OPTS=(self.env.get("DTA_JAVA_OPTS", "") + " " + java_opts).strip()) if java_opts else self.env
        with open(log, "a") as out:      # a restarted process appends to its first run's log
            cmd = [os.path.join(self.repo, "dta")] + args
            if host is None:
                p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
            else:
                p = host.popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        proc = Process(name, p, log)
        self.procs.append(proc)
        return proc

    def start_collector(self, host):
        return self.start_together([self.collector_start(host)])[0]

    def kill(self, name):
        """SIGKILL to the process started as `name` (a crash: no clean stop, no state saved at exit);
        it is no longer one of ours. Returns its log."""
        proc = next(p for p in self.procs if p.name == name)
        proc.popen.kill()
        proc.popen.wait()
        self.procs.remove(proc)
        return proc.log

    def start_together(self, starts):
        """Several processes started at once, then awaited (JVM starts overlap): `starts` are
        (name, ./dta arguments without --ready-file, host, ready file, what[, JVM options]). Returns their
        ready files' contents."""
        started = []
        for name, args, host, ready, what, *java_opts in starts:
            _remove(ready)
            started.append((ready, what, self._start(name, args + ["--ready-file", ready], host, *java_opts)))
        return [read_ready(ready, p, 120, what) for ready, what, p in started]

    def collector_start(self, host):
        """start_together's entry for a collector on its host."""
        return ("collector-" + host.name, ["collector", "run", "--config", os.path.join(self.run_dir, host.name, "collector.yaml")],
                host, os.path.join(self.run_dir, host.name, "ready"), "collector on " + host.name)

    def start_controller(self, deployment):
        ready = os.path.join(self.run_dir, "controller.ready")
        _remove(ready)
        p = self._start("controller", ["controller", "run", "--config", deployment, "--ready-file", ready])
        self.controller_admin = read_ready(ready, p, 120, "the controller")["admin"]
        return p

    def start_query(self, host):
        ready = os.path.join(self.run_dir, "query.ready")
        _remove(ready)
        p = self._start("query", ["query", "serve", "--config", os.path.join(self.run_dir, "query.yaml"),
                                  "--ready-file", ready], host)
        return read_ready(ready, p, 120, "the query service on " + host.name)

    def controller_status(self):
        return http_json("http://%s/status" % self.controller_admin)

    def await_fabric_programmed(self, timeout):
        """Until every translator is ready with its queue pairs up and stores programmed, and every
        reporter has its pipeline; returns the last status."""
        deadline = time.time() + timeout
        status, problem = None, "no status yet"
        while time.time() < deadline:
            for p in self.procs:
                if not p.alive():
                    raise RuntimeError("%s exited with %s; log: %s" % (p.name, p.popen.returncode, p.log))
            try:
                status = self.controller_status()
                problem = fabric_problem(status)
                if problem is None:
                    return status
            except OSError as e:
                problem = str(e)
            time.sleep(1)
        raise RuntimeError("the fabric was not programmed after %d s: %s (controller log: %s)"
                           % (timeout, problem, os.path.join(self.log_dir, "controller.log")))

    def stop_all(self):
        for p in reversed(self.procs):
            p.stop()
        self.procs = []


def fabric_problem(status):
    """What is not ready yet in a controller status, or None."""
    for t in status.get("translators", []):
        if t.get("state") != "ready":
            return "translator %s is %s (%s)" % (t.get("name"), t.get("state"), t.get("detail", ""))
        for q in t.get("queue_pairs", []):
            if q.get("state") != "up":
                return "queue pair to %s is %s" % (q.get("collector"), q.get("state"))
        for s in t.get("stores", []):
            if not s.get("programmed"):
                return "store %s not programmed: %s" % (s.get("name"), s.get("why_not_programmed", s))
    for r in status.get("reporters", []):
        if r.get("state") not in (None, "ready"):
            return "reporter %s is %s (%s)" % (r.get("name"), r.get("state"), r.get("detail", ""))
    return None


def _remove(path):
    try:
        os.remove(path)
    except FileNotFoundError:
        pass

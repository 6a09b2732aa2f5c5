"""BMv2 simple_switch_grpc as a Mininet switch, and finding/compiling with the P4 toolchain.

The switch runs in the root namespace (its interfaces are Mininet's `<name>-ethN`), with its
P4Runtime server on 127.0.0.1 and no program: the switch controller pushes the pipeline."""

import os
import socket
import subprocess
import time

from mininet.node import Switch

CPU_PORT = 255
TOOLCHAIN_DIR = "/opt/dta-p4tools/dta-p4-toolchain-bookworm-amd64/bin"
BMV2_THRIFT_PORT = 9090     # the controller reads the translator's registers on this port (docs/p4.md)


def find_bin():
    """DTA_P4_BIN, else the project's toolchain install, else the PATH (as testkit's P4Toolchain)."""
    candidates = [os.environ.get("DTA_P4_BIN"), TOOLCHAIN_DIR]
    candidates += os.environ.get("PATH", "").split(os.pathsep)
    for d in candidates:
        if d and os.access(os.path.join(d, "simple_switch_grpc"), os.X_OK) \
                and os.access(os.path.join(d, "p4c-bm2-ss"), os.X_OK):
            return d
    return None


def compile_v1model(bin_dir, repo, program, out_dir):
    """p4c-bm2-ss on p4/<program>, cached while the P4 sources are older than the JSON."""
    src = os.path.join(repo, "p4", program)
    out = os.path.join(out_dir, os.path.basename(program).replace(".p4", ".json"))
    sources = [os.path.join(d, f) for d in (os.path.dirname(src), os.path.join(repo, "p4", "include"))
               for f in os.listdir(d) if f.endswith(".p4")]
    if os.path.exists(out) and all(os.path.getmtime(s) < os.path.getmtime(out) for s in sources):
        return out
    os.makedirs(out_dir, exist_ok=True)
    print("*** compiling %s with p4c-bm2-ss" % program, flush=True)
    subprocess.run([os.path.join(bin_dir, "p4c-bm2-ss"), "-I", os.path.join(repo, "p4", "include"),
                    "--arch", "v1model", "-o", out + ".tmp", src], check=True)
    os.replace(out + ".tmp", out)
    return out


class Bmv2Switch(Switch):
    """simple_switch_grpc with the switch's Mininet interfaces as its ports (port = Mininet's port
    number), `--no-p4`, P4Runtime on 127.0.0.1:`grpc_port`."""

    def __init__(self, name, bin_dir=None, device_id=1, grpc_port=None, thrift_port=None, log_dir=None, **params):
        params["inNamespace"] = False     # Mininet passes its default; BMv2 runs in the root namespace
        params.pop("listenPort", None)    # an OpenFlow notion
        Switch.__init__(self, name, dpid="%016x" % device_id, **params)
        self.bin_dir = bin_dir
        self.device_id = device_id
        self.grpc_port = grpc_port
        self.thrift_port = thrift_port
        self.log_dir = log_dir
        self.proc = None

    def start(self, controllers):
        args = [os.path.join(self.bin_dir, "simple_switch_grpc"), "--device-id", str(self.device_id),
                "--thrift-port", str(self.thrift_port), "--no-p4"]
        for port, intf in sorted(self.intfs.items()):
            if intf.name != "lo":
                # veths leave checksums to the receiver; BMv2 forwards the frame as it read it
                subprocess.run(["ethtool", "-K", intf.name, "tx", "off"], stdout=subprocess.DEVNULL, check=False)
                args += ["-i", "%d@%s" % (port, intf.name)]
        args += ["--", "--grpc-server-addr", "127.0.0.1:%d" % self.grpc_port, "--cpu-port", str(CPU_PORT)]
        log = open(os.path.join(self.log_dir, self.name + ".log"), "a")   # a restart appends
        self.proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("%s: simple_switch_grpc exited with %s (log %s/%s.log)"
                                   % (self.name, self.proc.returncode, self.log_dir, self.name))
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.grpc_port)) == 0:
                    return
            time.sleep(0.2)
        raise RuntimeError("%s: P4Runtime server not up on port %d after 30 s" % (self.name, self.grpc_port))

    def crash(self):
        """SIGKILL to simple_switch_grpc (the interfaces stay: start() runs it again on the same ports)."""
        self.proc.kill()
        self.proc.wait()

    def stop(self, deleteIntfs=True):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        Switch.stop(self, deleteIntfs)

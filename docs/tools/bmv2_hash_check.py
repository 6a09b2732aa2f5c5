#!/usr/bin/env python3
"""BMv2 against the reference: do simple_switch's crc32 and ALU compute protocol.md section 3?

Compiles p4/check/hash_check_v1model.p4 with p4c-bm2-ss, feeds keys (the vector key, counters,
a byte ramp) through simple_switch --use-files, and compares what the switch appends with
dta_ref.py's keyhash and mixed(0..8). Needs p4c-bm2-ss and simple_switch on the PATH (or their
directory as the first argument). Exits non-zero on any difference.

    python3 docs/tools/bmv2_hash_check.py [P4TOOLS_BIN]
"""
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import dta_ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
KEYS = ([bytes.fromhex("0a0000010a0000021f90005006000000")] + [struct.pack(">Q", i) + bytes(8) for i in range(8)]
        + [bytes(range(16)), b"\xff" * 16])


def pcap(packets):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
    for p in packets:
        out += struct.pack("<IIII", 0, 0, len(p), len(p)) + p
    return out


def read_pcap(path):
    d, off, packets = open(path, "rb").read(), 24, []
    while off < len(d):
        _, _, n, _ = struct.unpack("<IIII", d[off:off + 16])
        packets.append(d[off + 16:off + 16 + n])
        off += 16 + n
    return packets


def main():
    tool = (lambda name: os.path.join(sys.argv[1], name)) if len(sys.argv) > 1 else shutil.which
    p4c, ss = tool("p4c-bm2-ss"), tool("simple_switch")
    if not p4c or not ss:
        sys.exit("bmv2_hash_check: needs p4c-bm2-ss and simple_switch (give their directory as the argument)")
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([p4c, "-o", os.path.join(d, "check.json"), os.path.join(ROOT, "p4/check/hash_check_v1model.p4")],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        open(os.path.join(d, "p0_in.pcap"), "wb").write(pcap([b"\x02" * 6 + b"\x04" * 6 + b"\x88\xb5" + k for k in KEYS]))
        open(os.path.join(d, "p1_in.pcap"), "wb").write(pcap([]))
        sw = subprocess.Popen([ss, "--use-files", "1", "-i", "0@p0", "-i", "1@p1", "--thrift-port", "0", "check.json"],
                              cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        out = os.path.join(d, "p1_out.pcap")
        deadline = time.time() + 30
        while time.time() < deadline and (not os.path.exists(out) or len(read_pcap(out)) < len(KEYS)):
            time.sleep(0.2)
        sw.send_signal(signal.SIGINT)
        sw.wait(10)
        got = read_pcap(out) if os.path.exists(out) else []
    bad = 0
    for i, k in enumerate(KEYS):
        want = [dta_ref.mixed(k, j) for j in range(9)] + [dta_ref.keyhash(k)]
        have = list(struct.unpack(">10I", got[i][30:70])) if i < len(got) else None
        if have != want:
            bad += 1
            print("key %s: BMv2 %s, reference %s" % (k.hex(), have and ["%08x" % x for x in have], ["%08x" % x for x in want]))
    if bad:
        sys.exit("bmv2_hash_check: %d of %d keys differ" % (bad, len(KEYS)))
    print("BMv2 computes keyhash and mixed(0..8) of protocol.md section 3 for all %d keys" % len(KEYS))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compares two collectors' store files written by the same reporter load (interop suite).

Usage: compare_stores.py DIR_A DIR_B
       compare_stores.py --sample-keys N   (the first N keys of ./dta reporter load's key space, as text)
       compare_stores.py --appended FILE   (entries written into an Append store: sequence != 0)

Each <store>.dta is read as protocol.md 4.1 lays it out: the header is checked (magic, version,
state) and the data areas compared. Counters of Key-Increment and Sketch stores are compared as
numbers, each side in the byte order its header declares (flags bit 0: little-endian), since a
NIC that adds in host order (Soft-RoCE on x86) and the software responder (big-endian) hold the
same sums in different bytes. Everything else must be byte-identical. Exit 0 when all stores
agree, 1 otherwise; one line per store either way.
"""
import os
import struct
import sys

KINDS = {1: "key-write", 2: "key-increment", 3: "postcard", 4: "append", 5: "sketch"}
COUNTER_KINDS = (2, 5)


def read_store(path):
    with open(path, "rb") as f:
        header = f.read(4096)
        if header[:8] != b"DTASTORE":
            raise ValueError(f"{path}: not a store file (magic {header[:8]!r})")
        version, kind, flags, store_id = struct.unpack(">HBBH", header[8:14])
        offset, length = struct.unpack(">QQ", header[16:32])
        params = struct.unpack(">4I", header[32:48])
        state = struct.unpack(">I", header[84:88])[0]
        # Format 2 changed the hashes (protocol.md 3), not this layout.
        if version not in (1, 2) or state != 1:
            raise ValueError(f"{path}: version {version}, state {state} (want 1 or 2, and 1)")
        f.seek(offset)
        data = f.read(length)
        if len(data) != length:
            data += bytes(length - len(data))  # a sparse tail that was never written reads as zeros
    return {"kind": kind, "flags": flags, "id": store_id, "params": params, "data": data}


def counters(store):
    order = "<" if store["flags"] & 1 else ">"
    return struct.unpack(f"{order}{len(store['data']) // 8}Q", store["data"])


def compare(a_dir, b_dir):
    names = sorted(n for n in os.listdir(a_dir) if n.endswith(".dta"))
    if not names:
        print(f"no store files in {a_dir}")
        return False
    ok = True
    for name in names:
        b_path = os.path.join(b_dir, name)
        if not os.path.exists(b_path):
            print(f"{name}: missing in {b_dir}")
            ok = False
            continue
        a, b = read_store(os.path.join(a_dir, name)), read_store(b_path)
        kind = KINDS.get(a["kind"], a["kind"])
        if (a["kind"], a["id"], a["params"], len(a["data"])) != (b["kind"], b["id"], b["params"], len(b["data"])):
            print(f"{name}: layouts differ: {a['kind'], a['id'], a['params']} vs {b['kind'], b['id'], b['params']}")
            ok = False
            continue
        if a["kind"] in COUNTER_KINDS:
            ca, cb = counters(a), counters(b)
            diff = sum(1 for x, y in zip(ca, cb) if x != y)
            used, total = sum(1 for x in ca if x), sum(ca)
            what = f"{used} counters non-zero, sum {total}"
            orders = f" (byte order {'LE' if a['flags'] & 1 else 'BE'} vs {'LE' if b['flags'] & 1 else 'BE'})"
        else:
            width = 8
            diff = sum(1 for i in range(0, len(a["data"]), width) if a["data"][i:i + width] != b["data"][i:i + width])
            used = sum(1 for i in range(0, len(a["data"]), width) if any(a["data"][i:i + width]))
            what = f"{used} 8-byte words non-zero"
            orders = ""
        if diff == 0 and used > 0:
            print(f"{name}: {kind}, identical: {what}{orders}")
        else:
            print(f"{name}: {kind}, {diff} words differ, {what}{orders}")
            ok = False
    return ok


def load_key(index):
    """Key `index` of the reporter's load (docs: reporter KeySpace), written as a 5-tuple."""
    m = 0xFFFFFFFF
    p = (index * 0x9E3779B1) & m
    x = (p * 0x85EBCA6B) & m
    mix = (((x << 13) | (x >> 19)) & m) ^ p
    dst_port = (80, 443, 53, 8080)[(mix >> 20) & 3]
    src = f"10.{(p >> 16) & 255}.{(p >> 8) & 255}.{p & 255}:{1024 + (p >> 24)}"
    dst = f"10.128.{(mix >> 8) & 255}.{mix & 255}:{dst_port}"
    return f"{src}->{dst}/{'udp' if dst_port == 53 else 'tcp'}"


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sample-keys":
        print("\n".join(load_key(i) for i in range(int(sys.argv[2]))))
        sys.exit(0)
    if len(sys.argv) == 3 and sys.argv[1] == "--appended":
        store = read_store(sys.argv[2])
        words = struct.unpack(f">{len(store['data']) // 4}I", store["data"])
        print(sum(1 for sequence in words[0::2] if sequence))
        sys.exit(0)
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(0 if compare(sys.argv[1], sys.argv[2]) else 1)

#!/usr/bin/env python3
"""Independent reference for docs/protocol.md (no code shared with the Java tree).

It implements the hashes, the report encodings, the translator's packet emission
and the collector-side memory and queries exactly as docs/protocol.md states them,
and prints the test-vector blocks that the document embeds. Java tests read the
vectors from docs/protocol.md; this script regenerates them:

    /usr/bin/python3 docs/tools/dta_ref.py > /tmp/vectors.md

`--check docs/protocol.md` exits non-zero when the document's vector blocks differ
from what this script computes (CI runs it).
"""
import hashlib
import hmac
import struct
import sys
import zlib

# ---------------------------------------------------------------- hashing (section 3)

def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def rot(key: bytes, r: int) -> bytes:
    assert len(key) == 16
    r %= 16
    return key[r:] + key[:r]


def H(r: int, key: bytes, suffix: bytes = b"") -> int:
    return crc32(rot(key, r) + suffix)


M32 = 0xFFFFFFFF


def salt(j: int) -> int:
    return ((j + 1) * 0x9E3779B9) & M32


def mix(x: int) -> int:
    x = (x + (x << 10)) & M32
    x ^= x >> 6
    x = (x + (x << 3)) & M32
    x ^= x >> 11
    x = (x + (x << 15)) & M32
    return x


def keyhash(key: bytes) -> int:
    return crc32(key)


def mixed(key: bytes, j: int) -> int:
    return mix(keyhash(key) ^ salt(j))


def index(key: bytes, i: int, log2: int) -> int:
    return mixed(key, i) & ((1 << log2) - 1)


def tag(key: bytes, suffix: bytes) -> int:
    return H(1, key, suffix) | 1


def bucket(key: bytes) -> int:
    return mixed(key, 8) & 0xFF

# ---------------------------------------------------------------- reports (section 2)

VERSION = 1
OP_KEY_WRITE, OP_KEY_INCREMENT, OP_POSTCARD, OP_APPEND, OP_SKETCH_MERGE = 1, 2, 3, 4, 5


def base(op, store):
    return struct.pack(">BBH", VERSION, op, store)


def key_write_report(store, redundancy, key, value):
    return base(OP_KEY_WRITE, store) + struct.pack(">BBH", redundancy, len(value), 0) + key + value


def key_increment_report(store, redundancy, key, delta):
    return base(OP_KEY_INCREMENT, store) + struct.pack(">BBH", redundancy, 0, 0) + key + struct.pack(">Q", delta)


def postcard_report(store, hop, path_len, key, value):
    return base(OP_POSTCARD, store) + struct.pack(">BBH", hop, path_len, 0) + key + struct.pack(">I", value)


def append_report(store, lst, value):
    return base(OP_APPEND, store) + struct.pack(">II", lst, value)


def sketch_merge_report(store, row, column, deltas):
    return base(OP_SKETCH_MERGE, store) + struct.pack(">BBHI", row, len(deltas), 0, column) + b"".join(
        struct.pack(">I", d) for d in deltas)

# ---------------------------------------------------------------- RoCEv2 (section 5)

OPC_WRITE_ONLY, OPC_FETCH_ADD, OPC_ACK, OPC_ATOMIC_ACK, OPC_READ_REQ = 0x0A, 0x14, 0x11, 0x12, 0x0C
ROCE_PORT = 4791


def ipv4_checksum(h: bytes) -> int:
    s = sum(struct.unpack(">10H", h))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def icrc(ip_udp_ib: bytes) -> bytes:
    """ip_udp_ib: IPv4 header (20 bytes) + UDP header + BTH + ... up to (not incl.) the ICRC."""
    b = bytearray(ip_udp_ib)
    b[1] = 0xFF                # TOS (DSCP+ECN)
    b[8] = 0xFF                # TTL
    b[10:12] = b"\xff\xff"     # IPv4 header checksum
    b[26:28] = b"\xff\xff"     # UDP checksum
    b[28 + 4] = 0xFF           # BTH byte 4: FECN, BECN, reserved
    return struct.pack("<I", crc32(b"\xff" * 8 + bytes(b)))


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def roce_frame(src_mac, dst_mac, src_ip, dst_ip, udp_src, ib: bytes) -> bytes:
    udp_len = 8 + len(ib) + 4
    total = 20 + udp_len
    iph = struct.pack(">BBHHHBBH4s4s", 0x45, 0x00, total, 0x0000, 0x4000, 64, 17, 0, ip4(src_ip), ip4(dst_ip))
    iph = iph[:10] + struct.pack(">H", ipv4_checksum(iph)) + iph[12:]
    udp = struct.pack(">HHHH", udp_src, ROCE_PORT, udp_len, 0)
    body = iph + udp + ib
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + body + icrc(body)


def bth(opcode, dest_qp, psn, ack_req, pkey=0xFFFF):
    return struct.pack(">BBHI I", opcode, 0x00, pkey, dest_qp & 0xFFFFFF,
                       ((0x80000000 if ack_req else 0) | (psn & 0xFFFFFF)))


def reth(va, rkey, length):
    return struct.pack(">QII", va, rkey, length)


def atomic_eth(va, rkey, add, compare=0):
    return struct.pack(">QIQQ", va, rkey, add, compare)

# ---------------------------------------------------------------- the translator (section 6)

class Collector:
    """One collector as the translator's tables describe it (queue pair + regions)."""

    def __init__(self, cid, ip, mac_, remote_qpn, next_psn):
        self.cid, self.ip, self.mac, self.remote_qpn, self.psn = cid, ip, mac_, remote_qpn, next_psn
        self.regions = {}  # store id -> (va, [rkeys])

    @property
    def local_qpn(self):
        return 0x000100 + self.cid

    @property
    def udp_src(self):
        return 0xC000 | (self.local_qpn & 0x3FFF)


class Translator:
    def __init__(self, ip, mac_, ack_interval):
        self.ip, self.mac, self.ack_interval = ip, mac_, ack_interval
        self.out = []

    def emit(self, c: Collector, ib_after_bth: bytes, opcode):
        psn = c.psn
        ack = (psn & (self.ack_interval - 1)) == 0
        frame = roce_frame(self.mac, c.mac, self.ip, c.ip, c.udp_src,
                           bth(opcode, c.remote_qpn, psn, ack) + ib_after_bth)
        c.psn = (psn + 1) & 0xFFFFFF
        self.out.append(frame)
        return frame

    @staticmethod
    def address(c: Collector, store, offset):
        va, rkeys = c.regions[store]
        return va + offset, rkeys[offset >> 31]

    def write(self, c, store, offset, payload):
        va, rkey = self.address(c, store, offset)
        return self.emit(c, reth(va, rkey, len(payload)) + payload, OPC_WRITE_ONLY)

    def fetch_add(self, c, store, offset, add):
        va, rkey = self.address(c, store, offset)
        return self.emit(c, atomic_eth(va, rkey, add), OPC_FETCH_ADD)

# ---------------------------------------------------------------- collector memory and queries (section 4)

class Memory:
    def __init__(self):
        self.bytes = {}

    def write(self, offset, data):
        for i, b in enumerate(data):
            self.bytes[offset + i] = b

    def read(self, offset, n):
        return bytes(self.bytes.get(offset + i, 0) for i in range(n))

    def dump(self):
        """Contiguous written runs as (offset, bytes)."""
        runs, keys = [], sorted(self.bytes)
        start = prev = None
        for k in keys:
            if start is None:
                start = prev = k
            elif k == prev + 1:
                prev = k
            else:
                runs.append((start, self.read(start, prev - start + 1)))
                start = prev = k
        if start is not None:
            runs.append((start, self.read(start, prev - start + 1)))
        return runs


def apply_frame(mem: Memory, frame: bytes, va_base: int):
    """What a responder does with one in-sequence, valid request (enough for the vectors)."""
    ib = frame[14 + 28:-4]
    opcode = ib[0]
    if opcode == OPC_WRITE_ONLY:
        va, rkey, length = struct.unpack(">QII", ib[12:28])
        mem.write(va - va_base, ib[28:28 + length])
    elif opcode == OPC_FETCH_ADD:
        va, rkey, add, cmp_ = struct.unpack(">QIQQ", ib[12:40])
        old = struct.unpack(">Q", mem.read(va - va_base, 8))[0]
        mem.write(va - va_base, struct.pack(">Q", (old + add) & 0xFFFFFFFFFFFFFFFF))
    else:
        raise ValueError(opcode)


def key_write_get(mem, key, log2_slots, slot_bytes, redundancy):
    votes, order = {}, []
    for i in range(redundancy):
        s = mem.read(index(key, i, log2_slots) * slot_bytes, slot_bytes)
        t, value = struct.unpack(">I", s[:4])[0], s[4:]
        if t != 0 and t == tag(key, value):
            if value not in votes:
                order.append(value)
            votes[value] = votes.get(value, 0) + 1
    if not votes:
        return None, 0
    best = max(order, key=lambda v: votes[v])  # ties: the value met first (lowest i)
    return best, votes[best]


def counter_estimate(mem, key, rows, log2_cols, redundancy):
    cols = 1 << log2_cols
    vals = [struct.unpack(">Q", mem.read((r * cols + index(key, r, log2_cols)) * 8, 8))[0] for r in range(redundancy)]
    return min(vals)


def postcard_path(mem, key, log2_rows, hops, row_bytes):
    row = mem.read(index(key, 0, log2_rows) * row_bytes, row_bytes)
    out = []
    for h in range(hops):
        value, check = struct.unpack(">II", row[8 * h:8 * h + 8])
        out.append((h, value, check != 0 and check == tag(key, bytes([h]) + struct.pack(">I", value))))
    return out


def append_read(mem, lst, log2_entries, pos, max_n):
    entries, cap, overrun = [], 1 << log2_entries, 0
    while len(entries) < max_n:
        off = (lst * cap + (pos & (cap - 1))) * 8
        header, value = struct.unpack(">II", mem.read(off, 8))
        expected = (pos + 1) & 0xFFFFFFFF
        diff = (header - expected) & 0xFFFFFFFF
        if diff == 0:
            entries.append((pos, value))
            pos += 1
        elif diff < 0x80000000 and header != 0:
            newer = pos + diff
            skip_to = newer - cap + 1
            overrun += skip_to - pos
            pos = skip_to
        else:
            break
    return entries, pos, overrun


# ---------------------------------------------------------------- responder replies (section 5.5)

def aeth(syndrome, msn):
    return struct.pack(">I", (syndrome << 24) | (msn & 0xFFFFFF))


def reply_frame(request: bytes, responder_qpn: int, opcode: int, psn: int, rest: bytes) -> bytes:
    """A responder's reply to `request`: addresses swapped, BTH to the requester's QP."""
    dst_mac, src_mac = request[6:12], request[0:6]
    src_ip = ".".join(str(b) for b in request[14 + 16:14 + 20])
    dst_ip = ".".join(str(b) for b in request[14 + 12:14 + 16])
    requester_qpn = REQUESTER_QPN
    udp_src = 0xC000 | (responder_qpn & 0x3FFF)
    return roce_frame(":".join("%02x" % b for b in src_mac), ":".join("%02x" % b for b in dst_mac),
                      src_ip, dst_ip, udp_src, bth(opcode, requester_qpn, psn, False) + rest)


REQUESTER_QPN = 0x000103  # the translator's queue pair towards collector 3

# ---------------------------------------------------------------- connection management (section 7)

CM_CLASS, CM_CLASS_VERSION, MAD_METHOD_SEND = 0x07, 2, 0x03
ATTR_REQ, ATTR_REJ, ATTR_REP, ATTR_RTU, ATTR_DREQ, ATTR_DREP = 0x0010, 0x0012, 0x0013, 0x0014, 0x0015, 0x0016
QP1_QKEY = 0x80010000
OPC_UD_SEND_ONLY = 0x64
DTA_MAGIC = 0x44544131  # "DTA1"


def mad(attr, tid, data: bytes) -> bytes:
    assert len(data) == 232, len(data)
    return struct.pack(">BBBBHHQHHI", 1, CM_CLASS, CM_CLASS_VERSION, MAD_METHOD_SEND, 0, 0, tid, attr, 0, 0) + data


def gid4(ip):
    return bytes(10) + b"\xff\xff" + ip4(ip)


def service_id(port):
    return 0x0000000001060000 | port


# the vectors' deployment secret (section 10.8): bytes 0x00..0x1f; its file would hold them as hex
CM_SECRET = bytes(range(32))


def cm_mac(secret, message):
    """HMAC-SHA256 truncated to 16 bytes (section 7.2)."""
    return hmac.new(secret, message, hashlib.sha256).digest()[:16]


def dta_req_data(secret, translator_id, timestamp_ms, nonce, src_ip, src_port, dst_ip, cm_port, qpn):
    """DTA REQ data version 2 (56 bytes) with its MAC over the binding and the first 24 bytes."""
    signed = struct.pack(">IHHQQ", DTA_MAGIC, 2, translator_id, timestamp_ms, nonce)
    binding = ip4(src_ip) + struct.pack(">H", src_port) + ip4(dst_ip) + struct.pack(">HI", cm_port, qpn & 0xFFFFFF)
    mac = cm_mac(secret, b"DTA-CM-REQ" + binding + signed)
    return signed + mac + bytes(16)


def dta_rep_data(secret, req_mac, collector_qpn, boot_id, generation, cat_va, cat_rkey, cat_len, stores):
    """DTA REP data version 2: 40 signed bytes, then the MAC over the REQ's MAC, the collector's QPN and them."""
    signed = struct.pack(">IHHQQQII", DTA_MAGIC, 2, stores, boot_id, generation, cat_va, cat_rkey, cat_len)
    mac = cm_mac(secret, b"DTA-CM-REP" + req_mac + struct.pack(">I", collector_qpn & 0xFFFFFF) + signed)
    return signed + mac


def cm_req(local_comm_id, port, ca_guid, qpn, start_psn, src_ip, dst_ip, src_port, translator_id,
           timestamp_ms=1767225600000, nonce=0x1122334455667788, secret=CM_SECRET):
    d = bytearray(232)
    struct.pack_into(">I", d, 0, local_comm_id)
    struct.pack_into(">Q", d, 8, service_id(port))
    struct.pack_into(">Q", d, 16, ca_guid)
    struct.pack_into(">I", d, 28, 0)                                  # local Q_Key (RC: unused)
    struct.pack_into(">I", d, 32, (qpn << 8) | 0)                     # local QPN | responder resources 0
    struct.pack_into(">I", d, 36, (0 << 8) | 16)                      # local EECN | initiator depth 16
    struct.pack_into(">I", d, 40, (0 << 8) | (20 << 3) | (0 << 1) | 0)  # remote EECN | CM timeout 20 | RC | no e2e fc
    struct.pack_into(">I", d, 44, (start_psn << 8) | (20 << 3) | 7)   # starting PSN | CM timeout 20 | retry 7
    struct.pack_into(">HBB", d, 48, 0xFFFF, (3 << 4) | 7, (15 << 4))  # P_Key | MTU 1024, RNR retry 7 | max CM retries 15
    struct.pack_into(">HH", d, 52, 0xFFFF, 0xFFFF)                    # primary local/remote LID (permissive)
    d[56:72] = gid4(src_ip)
    d[72:88] = gid4(dst_ip)
    struct.pack_into(">I", d, 88, 0)                                  # flow label 0 | packet rate 0
    struct.pack_into(">BBBB", d, 92, 0, 64, 0, 14 << 3)               # TC 0 | hop limit 64 | SL 0, not subnet-local | ACK timeout 14
    pd = bytearray(92)                                                # private data: IP CM header + DTA hello
    pd[0], pd[1] = 0x00, 0x40
    struct.pack_into(">H", pd, 2, src_port)
    pd[4 + 12:4 + 16] = ip4(src_ip)
    pd[20 + 12:20 + 16] = ip4(dst_ip)
    pd[36:92] = dta_req_data(secret, translator_id, timestamp_ms, nonce, src_ip, src_port, dst_ip, port, qpn)
    d[140:232] = pd
    return bytes(d)


def cm_rep(local_comm_id, remote_comm_id, qpn, start_psn, ca_guid, boot_id, generation, cat_va, cat_rkey, cat_len,
           stores, req_mac, secret=CM_SECRET):
    d = bytearray(232)
    struct.pack_into(">II", d, 0, local_comm_id, remote_comm_id)
    struct.pack_into(">I", d, 8, 0)                                   # local Q_Key
    struct.pack_into(">I", d, 12, qpn << 8)
    struct.pack_into(">I", d, 16, 0)                                  # local EE context
    struct.pack_into(">I", d, 20, start_psn << 8)
    struct.pack_into(">BBBB", d, 24, 16, 0, (14 << 3), (7 << 5))      # resp. resources 16 | init depth 0 | ack delay | RNR 7
    struct.pack_into(">Q", d, 28, ca_guid)
    d[36:36 + 56] = dta_rep_data(secret, req_mac, qpn, boot_id, generation, cat_va, cat_rkey, cat_len, stores)
    return bytes(d)


def cm_rtu(local_comm_id, remote_comm_id):
    d = bytearray(232)
    struct.pack_into(">II", d, 0, local_comm_id, remote_comm_id)
    return bytes(d)


def ud_frame(src_mac, dst_mac, src_ip, dst_ip, psn, mad_bytes):
    deth = struct.pack(">II", QP1_QKEY, 1)
    return roce_frame(src_mac, dst_mac, src_ip, dst_ip, 0xC001, bth(OPC_UD_SEND_ONLY, 1, psn, False) + deth + mad_bytes)

# ---------------------------------------------------------------- catalog and store files (sections 4.1, 7.4)

KIND_KEY_WRITE, KIND_KEY_INCREMENT, KIND_POSTCARD, KIND_APPEND, KIND_SKETCH = 1, 2, 3, 4, 5
STORE_FORMAT = 2  # 2: the hashes of section 3 (mix after CRC); 1 used CRC-32 of rotated keys


def catalog_entry(store, kind, flags, va, length, params, name, rkeys):
    e = struct.pack(">HBBBBHQQIIII", store, kind, flags, len(rkeys), 31, 0, va, length, *params)
    e += name.encode().ljust(24, b"\0")
    e += b"".join(struct.pack(">I", k) for k in rkeys).ljust(64, b"\0")
    assert len(e) == 128
    return e


def catalog(generation, entries):
    body = b"".join(entries)
    return (b"DTACATLG" + struct.pack(">HHHHQII", 1, len(entries), 128, 0, generation, crc32(body), 0) + body)


def store_header(kind, flags, store, length, params, name, created_ms):
    h = b"DTASTORE" + struct.pack(">HBBHHQQIIII", STORE_FORMAT, kind, flags, store, 0, 4096, length, *params)
    h += name.encode().ljust(24, b"\0") + struct.pack(">Q", created_ms)
    h += struct.pack(">I", crc32(h))
    return h + struct.pack(">I", 1)

# ---------------------------------------------------------------- vectors

def hexlines(b: bytes, width=16):
    return "\n".join(" ".join(b[i:i + width].hex()[j:j + 4] for j in range(0, len(b[i:i + width]) * 2, 4))
                     for i in range(0, len(b), width))


def block(name, body):
    return "```vector\nname: %s\n%s\n```\n" % (name, body)


def mem_block(name, mem):
    return block(name, "\n".join("@%08x %s" % (off, data.hex()) for off, data in mem.dump()))


TRANSLATOR_IP, TRANSLATOR_MAC = "10.0.0.1", "02:00:00:00:00:01"
COLLECTOR_IP, COLLECTOR_MAC = "10.0.0.2", "02:00:00:00:00:02"
VA = 0x00007F0000000000
RKEY = 0x00001234


def new_collector(psn=0x000100):
    return Collector(3, COLLECTOR_IP, COLLECTOR_MAC, 0x000011, psn)


def vectors():
    out = []
    key = bytes.fromhex("0a000001 0a000002 1f90 0050 06 000000".replace(" ", ""))

    # hashing
    lines = ["key %s" % key.hex()]
    lines += ["crc32(\"123456789\") %08x" % crc32(b"123456789")]
    lines += ["keyhash %08x" % keyhash(key)]
    lines += ["H(1) %08x" % H(1, key)]
    lines += ["mix(%08x) %08x" % (x, mix(x)) for x in (0, 1, 0x80000000, 0xFFFFFFFF)]
    lines += ["salt(%d) %08x" % (j, salt(j)) for j in range(9)]
    lines += ["mixed(%d) %08x" % (j, mixed(key, j)) for j in range(9)]
    lines += ["bucket %02x" % bucket(key)]
    lines += ["index(i=%d,log2=20) %05x" % (i, index(key, i, 20)) for i in range(8)]
    lines += ["tag(value=00000007) %08x" % tag(key, bytes.fromhex("00000007"))]
    out.append(("hash", block("hash", "\n".join(lines))))

    # Key-Write: store 1, 2^10 slots of 8 bytes, N = 2
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000100 - 1)
    c.regions[1] = (VA, [RKEY])
    value = bytes.fromhex("00000007")
    rep = key_write_report(1, 2, key, value)
    slot = struct.pack(">I", tag(key, value)) + value
    mem = Memory()
    frames = [t.write(c, 1, index(key, i, 10) * 8, slot) for i in range(2)]
    for f in frames:
        apply_frame(mem, f, VA)
    v, agree = key_write_get(mem, key, 10, 8, 2)
    out.append(("kw", block("kw.report", hexlines(rep)) +
                "".join(block("kw.packet.%d" % i, hexlines(f)) for i, f in enumerate(frames)) +
                mem_block("kw.memory", mem) +
                block("kw.query", "value=%s agree=%d/2" % (v.hex(), agree))))

    # Key-Increment: store 2, 2 rows x 2^10 columns, N = 2 (= rows), delta 1500
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000200)
    c.regions[2] = (VA, [RKEY])
    rep = key_increment_report(2, 0, key, 1500)
    mem = Memory()
    frames = [t.fetch_add(c, 2, (r * 1024 + index(key, r, 10)) * 8, 1500) for r in range(2)]
    for f in frames:
        apply_frame(mem, f, VA)
    rep2 = key_increment_report(2, 0, key, 500)
    frames2 = [t.fetch_add(c, 2, (r * 1024 + index(key, r, 10)) * 8, 500) for r in range(2)]
    for f in frames2:
        apply_frame(mem, f, VA)
    out.append(("ki", block("ki.report.0", hexlines(rep)) + block("ki.report.1", hexlines(rep2)) +
                "".join(block("ki.packet.%d" % i, hexlines(f)) for i, f in enumerate(frames + frames2)) +
                mem_block("ki.memory", mem) +
                block("ki.query", "estimate=%d" % counter_estimate(mem, key, 2, 10, 2))))

    # Postcarding: store 3, 2^8 rows, 5 hops (64-byte rows), a 3-hop path
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000300)
    c.regions[3] = (VA, [RKEY])
    hop_values = [0x01000010, 0x02000020, 0x03000030]
    reps = [postcard_report(3, h, 3, key, v) for h, v in enumerate(hop_values)]
    row = bytearray(64)
    for h, v in enumerate(hop_values):
        row[8 * h:8 * h + 8] = struct.pack(">II", v, tag(key, bytes([h]) + struct.pack(">I", v)))
    mem = Memory()
    f = t.write(c, 3, index(key, 0, 8) * 64, bytes(row))
    apply_frame(mem, f, VA)
    path = postcard_path(mem, key, 8, 5, 64)
    out.append(("pc", "".join(block("pc.report.%d" % i, hexlines(r)) for i, r in enumerate(reps)) +
                block("pc.packet.0", hexlines(f)) + mem_block("pc.memory", mem) +
                block("pc.query", "\n".join("hop=%d value=%08x valid=%s" % (h, v, str(ok).lower())
                                            for h, v, ok in path))))

    # Append: store 4, 4 lists x 2^4 entries, batch 2, list 1
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000400 - 1)
    c.regions[4] = (VA, [RKEY])
    vals = [0xDEAD0001, 0xDEAD0002]
    reps = [append_report(4, 1, v) for v in vals]
    batch = b"".join(struct.pack(">II", n + 1, v) for n, v in enumerate(vals))
    mem = Memory()
    f = t.write(c, 4, (1 * 16 + 0) * 8, batch)
    apply_frame(mem, f, VA)
    entries, nxt, overrun = append_read(mem, 1, 4, 0, 10)
    out.append(("ap", "".join(block("ap.report.%d" % i, hexlines(r)) for i, r in enumerate(reps)) +
                block("ap.packet.0", hexlines(f)) + mem_block("ap.memory", mem) +
                block("ap.query", "\n".join(["entry pos=%d value=%08x" % e for e in entries] +
                                            ["next=%d overrun=%d" % (nxt, overrun)]))))

    # Sketch-Merge: store 5, 2 rows x 2^10 columns; a switch ships its counters for `key`
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000500 - 1)
    c.regions[5] = (VA, [RKEY])
    mem = Memory()
    reps, frames = [], []
    for r in range(2):
        col = index(key, r, 10)
        reps.append(sketch_merge_report(5, r, col, [42]))
        frames.append(t.fetch_add(c, 5, (r * 1024 + col) * 8, 42))
    for f in frames:
        apply_frame(mem, f, VA)
    out.append(("sk", "".join(block("sk.report.%d" % i, hexlines(r)) for i, r in enumerate(reps)) +
                "".join(block("sk.packet.%d" % i, hexlines(f)) for i, f in enumerate(frames)) +
                mem_block("sk.memory", mem) +
                block("sk.query", "estimate=%d" % counter_estimate(mem, key, 2, 10, 2))))

    # responder replies to the Key-Write and Key-Increment packets above
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000100 - 1)
    c.regions[1] = (VA, [RKEY])
    slot = struct.pack(">I", tag(key, value)) + value
    kw = [t.write(c, 1, index(key, i, 10) * 8, slot) for i in range(2)]
    ack = reply_frame(kw[1], 0x11, OPC_ACK, 0x000100, aeth(0x1F, 2))
    nak = reply_frame(kw[1], 0x11, OPC_ACK, 0x0000FF, aeth(0x60, 0))   # kw.packet.0 lost: expects 0xFF
    acc = reply_frame(kw[1], 0x11, OPC_ACK, 0x000100, aeth(0x62, 1))
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000200)
    c.regions[2] = (VA, [RKEY])
    ki = t.fetch_add(c, 2, (0 * 1024 + index(key, 0, 10)) * 8, 1500)
    aack = reply_frame(ki, 0x11, OPC_ATOMIC_ACK, 0x000200, aeth(0x1F, 1) + struct.pack(">Q", 0))
    out.append(("replies", block("reply.ack", hexlines(ack)) + block("reply.nak-psn", hexlines(nak)) +
                block("reply.nak-access", hexlines(acc)) + block("reply.atomic-ack", hexlines(aack))))

    # the retransmitting requester's PSN query (5.6) after kw.packet.0/1 (PSN 0xFF, 0x100) went
    # unacknowledged: a zero-length WRITE Only with AckReq at the last PSN acknowledged (0xFE),
    # taking no PSN; and the answer of a responder that executed kw.packet.0 only (expects 0x100):
    # a duplicate WRITE is ACKed with expected PSN - 1 = 0xFF (MSN 1 after one write)
    t = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    c = new_collector(psn=0x000100 - 1)
    query = roce_frame(t.mac, c.mac, t.ip, c.ip, c.udp_src, bth(OPC_WRITE_ONLY, c.remote_qpn, 0x0000FE, True) + reth(0, 0, 0))
    answer = reply_frame(query, 0x11, OPC_ACK, 0x0000FF, aeth(0x1F, 1))
    out.append(("retransmit", block("psn-query", hexlines(query)) + block("reply.psn-query", hexlines(answer))))

    # connection management: REQ (translator -> collector), REP, RTU
    req = cm_req(0x0A0B0C0D, 40041, 0x020000FFFE000001, 0x000103, 0x000100, TRANSLATOR_IP, COLLECTOR_IP, 0xC103, 7)
    req_mac = req[140 + 36 + 24:140 + 36 + 40]
    rep = cm_rep(0x11223344, 0x0A0B0C0D, 0x000011, 0x00ABCDEF, 0x020000FFFE000002,
                 0x0123456789ABCDEF, 5, 0x00007EFF00000000, 0x00000042, 32 + 128 * 5, 5, req_mac)
    rtu = cm_rtu(0x0A0B0C0D, 0x11223344)
    f_req = ud_frame(TRANSLATOR_MAC, COLLECTOR_MAC, TRANSLATOR_IP, COLLECTOR_IP, 0, mad(ATTR_REQ, 0x0000000100000001, req))
    f_rep = ud_frame(COLLECTOR_MAC, TRANSLATOR_MAC, COLLECTOR_IP, TRANSLATOR_IP, 0, mad(ATTR_REP, 0x0000000100000001, rep))
    f_rtu = ud_frame(TRANSLATOR_MAC, COLLECTOR_MAC, TRANSLATOR_IP, COLLECTOR_IP, 1, mad(ATTR_RTU, 0x0000000100000002, rtu))
    out.append(("cm", block("cm.req", hexlines(f_req)) + block("cm.rep", hexlines(f_rep)) + block("cm.rtu", hexlines(f_rtu))))

    # the catalog a collector exposes for the five stores of the vectors above
    entries = [
        catalog_entry(1, KIND_KEY_WRITE, 0, VA, (1 << 10) * 8, (10, 8, 2, 0), "queue-depth", [RKEY]),
        catalog_entry(2, KIND_KEY_INCREMENT, 0, VA, 2 * 1024 * 8, (2, 10, 2, 0), "flow-bytes", [RKEY]),
        catalog_entry(3, KIND_POSTCARD, 0, VA, 256 * 64, (8, 5, 64, 0), "paths", [RKEY]),
        catalog_entry(4, KIND_APPEND, 0, VA, 4 * 16 * 8, (4, 4, 0, 0), "drops", [RKEY]),
        catalog_entry(5, KIND_SKETCH, 0, VA, 2 * 1024 * 8, (2, 10, 2, 0), "heavy-hitters", [RKEY]),
    ]
    cat = catalog(5, entries)
    hdr = store_header(KIND_KEY_WRITE, 0, 1, (1 << 10) * 8, (10, 8, 2, 0), "queue-depth", 1767225600000)
    read_req = Translator(TRANSLATOR_IP, TRANSLATOR_MAC, ack_interval=64)
    # the first request of the queue pair of section 10.8: at the REP's starting PSN (section 7.3)
    c = new_collector(psn=0x00ABCDEF)
    read_frame = read_req.emit(c, reth(0x00007EFF00000000, 0x42, len(cat)), OPC_READ_REQ)
    out.append(("catalog", block("catalog", hexlines(cat)) + block("catalog.read-request", hexlines(read_frame)) +
                block("store-header", hexlines(hdr))))
    return out


def update(path):
    """Rewrite the vector blocks of `path` in place (placeholders `VECTORS:<section>` are filled)."""
    import re
    doc = open(path).read()
    for section, text in vectors():
        doc = doc.replace("VECTORS:%s\n" % section, text)
        for m in re.finditer(r"```vector\nname: (\S+)\n.*?```\n", text, re.S):
            name, fresh = m.group(1), m.group(0)
            doc = re.sub(r"```vector\nname: %s\n.*?```\n" % re.escape(name), lambda _: fresh, doc, flags=re.S)
    open(path, "w").write(doc)


def check(path):
    import re
    generated = "".join(text for _, text in vectors())
    doc = open(path).read()
    want = re.findall(r"```vector\n.*?```\n", generated, re.S)
    have = re.findall(r"```vector\n.*?```\n", doc, re.S)
    missing = [w.splitlines()[1] for w in want if w not in have]
    extra = [h.splitlines()[1] for h in have if h not in want]
    if missing or extra:
        print("vector blocks differ from the reference: missing or changed %s; not generated %s" % (missing, extra))
        sys.exit(1)
    print("all %d vector blocks of %s match the reference" % (len(want), path))


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        check(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "--update":
        update(sys.argv[2])
    else:
        for name, text in vectors():
            print("<!-- %s -->\n%s" % (name, text))


if __name__ == "__main__":
    main()

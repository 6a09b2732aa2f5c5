#!/usr/bin/env python3
"""Independent reference for docs/int.md (no code shared with the Java tree).

It writes Telemetry Report v2.0 datagrams (P4.org Telemetry Report Format Specification v2.0,
carrying INT v2.1 headers) from the field values docs/int.md lists, and applies the INT-to-DTA
mapping of docs/int.md to them, printing the DTA reports (docs/protocol.md 2.3) the translator
must hand to its engine, in order. Java tests read the vector blocks from docs/int.md:

    /usr/bin/python3 docs/tools/int_ref.py                        # print the blocks
    /usr/bin/python3 docs/tools/int_ref.py --check docs/int.md    # exit 1 when the document differs
    /usr/bin/python3 docs/tools/int_ref.py --update docs/int.md   # rewrite the blocks in place
"""
import re
import struct
import sys

# The mapping the vectors use (docs/int.md, "Configuration", the example).
INT_UDP_PORT = 5000
POSTCARD_STORE, FLOW_STORE, DROP_STORE, DROP_LIST, QUEUE_STORE = 3, 2, 4, 1, 1
INITIAL_TTL = 64
TCP, UDP = 6, 17

# Metadata bits: bit 0 is the most significant bit of the 16-bit bitmap.
def bit(n):
    return 1 << (15 - n)


def md_size(n):
    return 8 if n in (4, 5, 6) else 4


def md_layout(bitmap):
    """{bit: offset} for the metadata a bitmap carries, in bit order."""
    out, at = {}, 0
    for n in range(16):
        if bitmap & bit(n):
            out[n] = at
            at += md_size(n)
    return out, at


INSTRUCTIONS = bit(0) | bit(2) | bit(3)      # node id, hop latency, queue id + occupancy
LOCAL = bit(2) | bit(3)                      # a report's own metadata: hop latency, queue


# ---------------------------------------------------------------- writing INT reports

def checksum(header):
    s = sum(struct.unpack("!10H", header))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def ipv4(flow, proto, after):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + after, 0, 0x4000, flow["ttl"], proto, 0,
                    bytes(flow["src"]), bytes(flow["dst"]))
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:]


def l4(flow):
    if flow["proto"] == TCP:
        return struct.pack("!HHIIBBHHH", flow["sport"], flow["dport"], 0, 0, 0x50, 0x10, 0xFFFF, 0, 0)
    return struct.pack("!HHHH", flow["sport"], flow["dport"], 8 + flow["payload"], 0)


def group(hw_id, seq, node):
    return struct.pack("!II", (2 << 28) | (hw_id << 22) | seq, node)


def report(in_type, flags, rep_md_bits, metadata, inner):
    assert len(metadata) % 4 == 0 and len(inner) % 4 == 0
    words = (8 + len(metadata) + len(inner)) // 4
    head = struct.pack("!BBBB", (1 << 4) | in_type, words, len(metadata) // 4, flags)
    return head + struct.pack("!HHHH", rep_md_bits, 0, 0, 0) + metadata + inner


def queue_word(qid, occ):
    return (qid << 24) | (occ & 0xFFFFFF)


def md_sink(flow, hops):
    """hops: [(node, latency, qid, occ)] from hop 0; the last is the sink (its node id is the group's)."""
    stack = hops[:-1]
    hop_ml = 3
    int_md = struct.pack("!IHHHH", (2 << 28) | (hop_ml << 8) | max(0, 8 - len(stack)), INSTRUCTIONS, 0, 0, 0)
    for node, lat, qid, occ in reversed(stack):
        int_md += struct.pack("!III", node, lat, queue_word(qid, occ))
    orig_l4 = l4(flow)
    shim = struct.pack("!BBBB", (1 << 4) | (2 << 2), len(int_md) // 4, 0, flow["proto"])
    udp_len = 8 + len(shim) + len(int_md) + len(orig_l4) + flow["payload"]
    udp = struct.pack("!HHHH", flow["sport"], INT_UDP_PORT, udp_len, 0)
    inner = ipv4(flow, UDP, udp_len) + udp + shim + int_md + orig_l4
    _, lat, qid, occ = hops[-1]
    return report(4, 0x20, LOCAL, struct.pack("!II", lat, queue_word(qid, occ)), inner)


def per_hop(flow, lat, qid, occ):
    return report(4, 0x20, LOCAL, struct.pack("!II", lat, queue_word(qid, occ)),
                  ipv4(flow, flow["proto"], len(l4(flow)) + flow["payload"]) + l4(flow))


def drop(flow, qid, reason):
    return report(4, 0x80, bit(15), struct.pack("!BBH", qid, reason, 0),
                  ipv4(flow, flow["proto"], len(l4(flow)) + flow["payload"]) + l4(flow))


def queue(flow, qid, occ):
    return report(4, 0x40, bit(3), struct.pack("!I", queue_word(qid, occ)),
                  ipv4(flow, flow["proto"], len(l4(flow)) + flow["payload"]) + l4(flow))


# ---------------------------------------------------------------- DTA reports (protocol.md 2.3)

def flow_key(src, dst, sport, dport, proto):
    return bytes(src) + bytes(dst) + struct.pack("!HHB", sport, dport, proto) + b"\0\0\0"


def dta_postcard(store, hop, path, key, value):
    return struct.pack("!BBHBBH", 1, 3, store, hop, path, 0) + key + struct.pack("!I", value)


def dta_increment(store, key, delta):
    return struct.pack("!BBHI", 1, 2, store, 0) + key + struct.pack("!Q", delta)


def dta_append(store, lst, value):
    return struct.pack("!BBHII", 1, 4, store, lst, value)


def dta_keywrite(store, key, value):
    return struct.pack("!BBHBBH", 1, 1, store, 0, len(value), 0) + key + value


# ---------------------------------------------------------------- the mapping, on parsed bytes

def convert(datagram):
    """The DTA reports docs/int.md's mapping makes of a datagram (switch-and-queue postcard values)."""
    out = []
    ver = datagram[0] >> 4
    assert ver == 2
    node = struct.unpack_from("!I", datagram, 4)[0]
    p = 8
    while p < len(datagram):
        b0, words, md_words, flags = struct.unpack_from("!BBBB", datagram, p)
        end = p + 4 + 4 * words
        rep_md_bits = struct.unpack_from("!H", datagram, p + 4)[0]
        md = p + 12
        inner = md + 4 * md_words
        layout, _ = md_layout(rep_md_bits)
        if flags & 0x80:
            qid, reason = datagram[md + layout[15]], datagram[md + layout[15] + 1]
            out.append(dta_append(DROP_STORE, DROP_LIST, ((node & 0xFFFFFF) << 8) | reason))
        if flags & 0x40:
            w = struct.unpack_from("!I", datagram, md + layout[3])[0]
            key = struct.pack("!IB", node, w >> 24) + bytes(11)
            out.append(dta_keywrite(QUEUE_STORE, key, struct.pack("!I", w & 0xFFFFFF)))
        if flags & 0x20:
            out += tracked(datagram, md, layout, node, inner, end)
        p = end
    return out


def tracked(d, md, layout, node, ip, end):
    total, ttl, proto = struct.unpack_from("!H", d, ip + 2)[0], d[ip + 8], d[ip + 9]
    src, dst = d[ip + 12:ip + 16], d[ip + 16:ip + 20]
    l4 = ip + 4 * (d[ip] & 0xF)
    local = lambda base, lay, n: ((n & 0xFF) << 24) | (struct.unpack_from("!I", d, base + lay[3])[0] & 0xFFFFFF)
    if proto == UDP and struct.unpack_from("!H", d, l4 + 2)[0] == INT_UDP_PORT:
        shim = l4 + 8
        words = d[shim + 1]
        proto = d[shim + 3]                     # NPT 2: the original protocol, its header after the stack
        after = shim + 4 + 4 * words
        sport, dport = struct.unpack_from("!HH", d, after)
        key = flow_key(src, dst, sport, dport, proto)
        hdr = shim + 4
        hop_ml = (struct.unpack_from("!I", d, hdr)[0] >> 8) & 0x1F
        instr = struct.unpack_from("!H", d, hdr + 4)[0]
        ilay, _ = md_layout(instr)
        n = (4 * words - 12) // (4 * hop_ml)
        path = n + 1
        out = []
        for k in range(n):
            e = hdr + 12 + 4 * hop_ml * k
            hop_node = struct.unpack_from("!I", d, e + ilay[0])[0]
            out.append(dta_postcard(POSTCARD_STORE, n - 1 - k, path, key, local(e, ilay, hop_node)))
        out.append(dta_postcard(POSTCARD_STORE, path - 1, path, key, local(md, layout, node)))
        out.append(dta_increment(FLOW_STORE, key, total - (8 + 4 + 4 * words)))
        return out
    sport, dport = struct.unpack_from("!HH", d, l4)
    key = flow_key(src, dst, sport, dport, proto)
    hop = INITIAL_TTL - ttl
    out = [dta_postcard(POSTCARD_STORE, hop, 0, key, local(md, layout, node))]
    if hop == 0:
        out.append(dta_increment(FLOW_STORE, key, total))
    return out


# ---------------------------------------------------------------- the vectors

def flow(src, dst, sport, dport, proto, ttl=64, payload=0):
    return {"src": src, "dst": dst, "sport": sport, "dport": dport, "proto": proto, "ttl": ttl, "payload": payload}


def hexlines(b):
    h = b.hex()
    words = [h[i:i + 4] for i in range(0, len(h), 4)]
    return "\n".join(" ".join(words[i:i + 8]) for i in range(0, len(words), 8))


def block(name, body):
    return "```vector\nname: %s\n%s\n```\n" % (name, body)


def vectors():
    web = flow([10, 0, 1, 1], [10, 0, 2, 2], 40000, 443, TCP, ttl=61, payload=1000)
    dns = flow([10, 0, 1, 7], [10, 0, 3, 3], 53000, 53, UDP, ttl=64, payload=40)
    bulk = flow([10, 0, 1, 9], [10, 0, 4, 4], 41000, 5201, TCP, ttl=63, payload=1448)
    cases = [
        ("int.md", group(1, 7, 4) + md_sink(web, [(1, 500, 0, 10), (2, 700, 1, 0x2000), (3, 650, 2, 300), (4, 900, 0, 40)])),
        ("int.xd", group(0, 8, 2) + per_hop(dns, 1200, 3, 77) + per_hop(bulk, 800, 1, 0x123456)),
        ("int.drop", group(0, 9, 7) + drop(web, 3, 71)),
        ("int.queue", group(0, 10, 7) + queue(bulk, 5, 0x1234)),
    ]
    out = []
    for name, datagram in cases:
        text = block(name + ".datagram", hexlines(datagram))
        text += block(name + ".dta", "\n".join(r.hex() for r in convert(datagram)))
        out.append((name, text))
    return out


def check(path):
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


def update(path):
    doc = open(path).read()
    for section, text in vectors():
        doc = doc.replace("VECTORS:%s\n" % section, text)
        for m in re.finditer(r"```vector\nname: (\S+)\n.*?```\n", text, re.S):
            name, fresh = m.group(1), m.group(0)
            doc = re.sub(r"```vector\nname: %s\n.*?```\n" % re.escape(name), lambda _: fresh, doc, flags=re.S)
    open(path, "w").write(doc)


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

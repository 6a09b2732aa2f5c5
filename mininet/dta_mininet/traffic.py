"""A small UDP traffic generator and sink, run inside Mininet hosts (python3 traffic.py ...).

  send --dst IP --sport P --dport P --count N --size S [--size S2 ...] --rate PPS
       sends N datagrams from a fixed source port (so the flow's 5-tuple is known), cycling through
       the payload sizes, and prints one JSON line: {"packets": n, "ip_bytes": b} (IPv4 total
       lengths, what the reporter's Key-Increment adds)
  sink --port P [--port P2 ...]
       receives on the ports until SIGTERM, then prints {"port": {"packets": n, "bytes": b}, ...}
"""

import argparse
import json
import selectors
import signal
import socket
import sys
import time

IP_UDP_HEADERS = 28


def send(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", a.sport))
    gap = 1.0 / a.rate
    ip_bytes = 0
    start = time.monotonic()
    for i in range(a.count):
        size = a.size[i % len(a.size)]
        s.sendto(bytes(size), (a.dst, a.dport))
        ip_bytes += size + IP_UDP_HEADERS
        delay = start + (i + 1) * gap - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    print(json.dumps({"packets": a.count, "ip_bytes": ip_bytes}), flush=True)


def sink(a):
    sel = selectors.DefaultSelector()
    counts = {}
    for p in a.port:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("0.0.0.0", p))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, p)
        counts[p] = {"packets": 0, "bytes": 0}
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("ready", flush=True)
    while not stop:
        for key, _ in sel.select(0.2):
            try:
                while True:
                    data = key.fileobj.recv(65535)
                    counts[key.data]["packets"] += 1
                    counts[key.data]["bytes"] += len(data)
            except BlockingIOError:
                pass
    print(json.dumps(counts), flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("send")
    s.add_argument("--dst", required=True)
    s.add_argument("--sport", type=int, required=True)
    s.add_argument("--dport", type=int, required=True)
    s.add_argument("--count", type=int, default=10)
    s.add_argument("--size", type=int, action="append", required=True)
    s.add_argument("--rate", type=float, default=20)
    k = sub.add_parser("sink")
    k.add_argument("--port", type=int, action="append", required=True)
    a = p.parse_args()
    send(a) if a.cmd == "send" else sink(a)


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# The interop suite: the project against the Linux kernel's RDMA stack (Soft-RoCE, rdma_rxe) in a
# QEMU guest, or against an existing RDMA host. Run it with ./dta interop (docs/interop.md).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
# shellcheck source=interop/lib.sh
. "$HERE/lib.sh"

usage() {
  cat <<'USAGE'
Usage: ./dta interop [options]

Runs the project against the Linux kernel's RDMA stack: builds (or reuses) a Debian bookworm guest
image with Soft-RoCE, rdma-core, a JDK and DiSNI's libdisni, boots it under QEMU on a tap device in a
network namespace this run creates, and runs the cases below with the collector (ingest: disni) in
the guest and the software translator (raw mode) and the switch controller in the namespace.
Everything it created is removed at the end, also on failure or Ctrl-C.

Options:
  --cases LIST     comma-separated cases to run (default: all of them, in this order):
                     primitives   every primitive end to end with reporter load; the stores and
                                  the query answers compared with a run against the software responder
                     probe        Linux's rdma_cm as active side against the DiSNI collector:
                                  REP private data, catalog READ, WRITE, FETCH_ADD (byte order)
                     nak          loss recovery: nftables drops a known set of WRITEs to the guest;
                                  the translator retransmits, every report lands, none is lost
                     restart      collector restart in the guest: data intact, queue pair back
                     controller   controller restart: reports keep landing, queue pair kept
                     cpu          collector CPU per report on verbs vs the software responder
  --keep           leave the guest, namespace and components running at the end (prints how to
                   attach and how to tear down)
  --attach DIR     run cases against a guest left by --keep (DIR: its work directory)
  --down DIR       tear down what a --keep run left
  --image-only     build (or reuse) the guest image and stop (CI starts this next to the Maven build)
  --work DIR       work directory (default: /var/tmp/dta-interop-<pid>)
  --peer HOST      no guest: use an existing RDMA-capable host reached with ssh (root; rdma-core,
                   libdisni built: see docs/interop.md "Against a real NIC"); with
  --peer-address A the collector's RoCEv2 address on HOST, and
  --local-address A  this host's address towards it (the translator's); the components then run
                   in this host's own network namespace
  --peer-shell CMD how to run a shell command on the peer (CMD 'command' with stdin passed on;
                   default: ssh -o BatchMode=yes HOST); interop/guest-shell.sh WORKDIR reaches the
                   guest of a --keep run (docs/interop.md, "Peer mode against the guest")
  -h, --help       this text

Needs root, /dev/net/tun, qemu-system-x86_64, debootstrap, mkfs.ext4 (e2fsprogs), nft (nftables),
ip (iproute2), curl. Exit codes: 0 all cases passed, 1 a case failed, 3 a prerequisite is missing.
Environment: DTA_INTEROP_CACHE (image cache, default /var/cache/dta-interop), DTA_INTEROP_ACCEL
(tcg, the default, or kvm).
USAGE
}

CASES="primitives,probe,nak,restart,controller,cpu"
KEEP=0; ATTACH=""; WORK=""; PEER=""; PEER_ADDRESS=""; LOCAL_ADDRESS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --cases) CASES="$2"; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --image-only) check_prerequisites || exit 3; exec "$HERE/image.sh" ;;
    --attach) ATTACH="$2"; shift 2 ;;
    --down) WORK="$2"; load_state; teardown; exit 0 ;;
    --work) WORK="$2"; shift 2 ;;
    --peer) PEER="$2"; shift 2 ;;
    --peer-address) PEER_ADDRESS="$2"; shift 2 ;;
    --peer-shell) PEER_SHELL="$2"; shift 2 ;;
    --local-address) LOCAL_ADDRESS="$2"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "interop: unknown option '$1' (./dta interop --help)" >&2; exit 2 ;;
  esac
done

check_prerequisites || exit 3
SUITE_START=$SECONDS
if [ -n "$ATTACH" ]; then
  WORK="$ATTACH"; load_state
  KEEP=1
else
  WORK="${WORK:-/var/tmp/dta-interop-$$}"
  mkdir -p "$WORK"
  trap 'on_exit' EXIT
  trap 'echo "interop: interrupted" >&2; exit 130' INT TERM
  if [ -n "$PEER" ]; then
    setup_peer
  else
    IMAGE="$(JAVA_HOME="$JAVA_HOME" "$HERE/image.sh" | tail -n 1)"  # its last line: the image directory
    boot_guest
  fi
fi
stage_components

IFS=, read -r -a selected <<< "$CASES"
for c in "${selected[@]}"; do
  case "$c" in
    probe|primitives|nak|restart|controller|cpu) run_case "$c" ;;
    *) echo "interop: unknown case '$c' (--help lists them)" >&2; exit 2 ;;
  esac
done
summary

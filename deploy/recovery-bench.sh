#!/usr/bin/env bash
# Recovery times of a DTA deployment on loopback (docs/reliability.md "Recovery, measured"):
# a collector, a software translator and the switch controller as separate processes under a
# Key-Increment reporter load; each component is killed (SIGKILL) and started again, and the
# script prints, per case, the time from the restarted component's ready file to the first write
# landing in the collector's store (the store file changes), and for a controller
# restart the reports the translator dropped and the queue pairs it re-connected; for the others
# where the time went (each step's first log line after the ready file, from the components' logs).
set -euo pipefail

usage() {
  cat <<'USAGE'
Usage: bash deploy/recovery-bench.sh [--mode udp|raw] [--down SECONDS] [--rate N] [--dir DIR]
                                     [--dta PATH] [--no-announce]

  --mode udp|raw   the translator's and collector's ingest (raw needs root)      [udp]
  --down S         how long the collector stays stopped in the "stopped" case    [60]
  --rate N         reporter load, Key-Increment reports per second               [2k]
  --dir DIR        working directory (configs, data, logs)     [a new directory under /tmp]
  --dta PATH       the ./dta launcher to use (another checkout: before/after)    [this one]
  --no-announce    components do not announce themselves to the controller (also needed
                   with a checkout that has no announcements, such as the main before it)

Cases: collector kill -9, collector stopped --down seconds, translator kill -9, controller
kill -9. Addresses 127.77.0.x on loopback; nothing leaves the machine. Takes about
2 minutes plus --down.
USAGE
}

MODE=udp; DOWN=60; RATE=2k; DIR=""; ANNOUNCE=1
DTA="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/dta"
while [ $# -gt 0 ]; do
  case "$1" in
    --mode) MODE="$2"; shift 2 ;;
    --down) DOWN="$2"; shift 2 ;;
    --rate) RATE="$2"; shift 2 ;;
    --dir) DIR="$2"; shift 2 ;;
    --dta) DTA="$2"; shift 2 ;;
    --no-announce) ANNOUNCE=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "recovery-bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done
case "$MODE" in udp|raw) ;; *) echo "recovery-bench: --mode must be udp or raw" >&2; exit 2 ;; esac
if [ "$MODE" = raw ] && [ "$(id -u)" != 0 ]; then echo "recovery-bench: raw mode needs root" >&2; exit 2; fi
[ -n "$DIR" ] || DIR="$(mktemp -d /tmp/dta-recovery.XXXXXX)"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"

T=127.77.0.1; C=127.77.0.10; CTL=127.77.0.2:40044; CADMIN=$C:40042
ANNOUNCE_YAML=""
[ "$ANNOUNCE" = 1 ] && ANNOUNCE_YAML="controller: {admin: \"$CTL\"}"

[ -s "$DIR/cm.secret" ] || "$DTA" cm-secret "$DIR/cm.secret" >/dev/null

cat > "$DIR/collector.yaml" <<EOF
collector: {name: c0}
network: {address: $C, ingest: $MODE}
data-dir: data
admin: {address: "$CADMIN"}
cm: {secret-file: cm.secret}
$ANNOUNCE_YAML
stores:
  - {name: flow-bytes, id: 2, kind: key-increment, rows: 2, columns: 65536}
EOF
cat > "$DIR/translator.yaml" <<EOF
translator: {name: t0}
p4runtime: {address: "$T:19559"}
network: {address: $T, mode: $MODE}
admin: {address: "$T:40043"}
$ANNOUNCE_YAML
EOF
cat > "$DIR/deployment.yaml" <<EOF
deployment: {name: recovery-bench}
controller:
  admin: {address: "$CTL"}
  cm: {secret-file: cm.secret}
collectors:
  - {name: c0, index: 0, address: $C}
stores:
  - {name: flow-bytes, id: 2, kind: key-increment}
translators:
  - name: t0
    p4runtime: "$T:19559"
    election-id: 10
    address: $T
EOF

PIDS=()
# The components log wall-clock times of day; in UTC they compare with date +%s (the breakdowns).
export TZ=UTC
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
log() { echo "recovery-bench: $*" >&2; }

# start NAME CMD...: runs a component in the background with a ready file; sets READY_AT.
start() {
  local name="$1"; shift
  rm -f "$DIR/$name.ready"
  "$DTA" "$@" --ready-file "$DIR/$name.ready" >> "$DIR/$name.log" 2>&1 &
  eval "PID_$name=$!"
  PIDS+=("$!")
  local deadline=$((SECONDS + 120))
  while [ ! -s "$DIR/$name.ready" ]; do
    if [ $SECONDS -gt $deadline ]; then log "$name did not start (see $DIR/$name.log)"; exit 1; fi
    sleep 0.01
  done
  READY_AT="$(now)"
}
collector() { start collector collector run -c "$DIR/collector.yaml"; }
translator() { start translator translator run -c "$DIR/translator.yaml"; }
controller() { start controller controller run --config "$DIR/deployment.yaml"; }
kill9() { local pid; pid="$(eval echo "\$PID_$1")"; kill -9 "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }

# A digest of the store file: the collector's mapped memory, which a landed write changes (no JVM
# endpoint in the way: a cold JVM's first /status can take seconds on a busy machine).
STORE="$DIR/data/flow-bytes.dta"
digest() { md5sum "$STORE" 2>/dev/null | cut -c1-32; }
# Seconds from SINCE until the store file differs from its state at SINCE (timeout 300 s: "none").
first_write() {
  local since="$1" base deadline=$((SECONDS + 300))
  base="$(digest)"
  while [ "$(digest)" = "$base" ]; do
    if [ $SECONDS -gt $deadline ]; then echo none; return; fi
    sleep 0.01
  done
  elapsed "$since" "$(now)"
}
# Seconds from SINCE (epoch) to the first line of LOG from 2 s before SINCE on that matches the
# awk regular expression PATTERN: a component announces itself just before it writes its ready
# file, so a step can come out negative ("-" when none; a run across midnight UTC is not handled;
# the cases are 3 s apart, so the look-back does not reach the case before).
log_at() {
  awk -v since="$1" -v pat="$3" '
    BEGIN { sod = since % 86400 }
    $1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9][.][0-9]+$/ && $0 ~ pat {
      split($1, h, ":"); t = h[1] * 3600 + h[2] * 60 + h[3]
      if (t >= sod - 2) { printf "%+.2f", t - sod; found = 1; exit }
    }
    END { if (!found) printf "-" }' "$2"
}
# Where the time of a restart went, from the components' logs: "step +seconds, ..." after SINCE.
breakdown() {
  local since="$1" out="" step; shift
  while [ $# -gt 0 ]; do
    step="$(log_at "$since" "$DIR/$2.log" "$3")"
    out="$out${out:+, }$1 $step"
    shift 3
  done
  echo "$out"
}
drops() { curl -s --max-time 10 "http://$T:40043/status" | jq '[.reports.dropped // {} | .[]] | add // 0' || echo 0; }

cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT

collector_steps() {
  breakdown "$1" "announcement handled" controller "Announcements - collector|announced a start [(]boot id" \
    "answered" collector "announced to the switch controller" \
    "queue pair up" controller "queue pair to collector .* up:"
}

log "mode $MODE, load $RATE Key-Increment reports/s, announcements $([ "$ANNOUNCE" = 1 ] && echo on || echo off), files in $DIR"
collector; translator; controller
"$DTA" reporter load --to "$T:40040" --rate "$RATE" --duration 1h --mix ki=1 --quiet >> "$DIR/reporter.log" 2>&1 &
PIDS+=("$!")
log "waiting for the first write"
first_write "$READY_AT" >/dev/null
sleep 3

log "case 1: collector kill -9, restarted at once"
kill9 collector; collector
C1="$(first_write "$READY_AT")"; log "  first write $C1 s after the collector was ready"
B1="$(collector_steps "$READY_AT")"; log "  $B1"
sleep 3

log "case 2: collector stopped ${DOWN} s (kill -9), then started"
kill9 collector; sleep "$DOWN"; collector
C2="$(first_write "$READY_AT")"; log "  first write $C2 s after the collector was ready"
B2="$(collector_steps "$READY_AT")"; log "  $B2"
sleep 3

log "case 3: translator kill -9, restarted at once"
kill9 translator; translator
C3="$(first_write "$READY_AT")"; log "  first write $C3 s after the translator was ready"
B3="$(breakdown "$READY_AT" "announcement answered" translator "announced to the switch controller" \
  "primary" controller "[)]: primary [(]election id" \
  "pipeline set" translator "forwarding pipeline set" \
  "tables written" controller "[)]: ready\$" \
  "queue pair up" controller "queue pair to collector .* up:")"; log "  $B3"
sleep 3

log "case 4: controller kill -9, restarted at once"
D0="$(drops)"
kill9 controller; controller
sleep 5
D1="$(drops)"
CONNECTS="$(curl -s --max-time 10 "http://$CTL/status" | jq '[.translators[0].queue_pairs[].connects] | add' || echo "?")"

LOAD="$(cut -d' ' -f1 /proc/loadavg)"
cat <<EOF
| case ($MODE mode, $RATE reports/s, announcements $([ "$ANNOUNCE" = 1 ] && echo on || echo off), load average $LOAD) | ready to first write (s) |
|---|---|
| collector kill -9, restarted at once | $C1 ($B1) |
| collector stopped $DOWN s, then started | $C2 ($B2) |
| translator kill -9, restarted at once | $C3 ($B3) |
| controller kill -9, restarted at once | reports dropped by the translator: $((D1 - D0)); queue pairs re-connected: $CONNECTS |
EOF

# The cases of the interop suite (sourced by lib.sh). Each case_* returns 0 on success, or calls
# fail with what went wrong.
# shellcheck shell=bash

TRANSLATOR_ADMIN=127.0.0.1:40043
CONTROLLER_ADMIN=127.0.0.1:40044
SW_ADMIN=127.0.0.1:40052
LOAD_SEED=7
# Small stores: the guest registers them at once, the comparison reads them in a blink.
STORES_YAML='stores:
  - {name: queue-depth, id: 1, kind: key-write, slots: 2^14, redundancy: 2}
  - {name: flow-bytes, id: 2, kind: key-increment, rows: 2, columns: 2^12}
  - {name: paths, id: 3, kind: postcard, rows: 2^12, hops: 5}
  - {name: drops, id: 4, kind: append, lists: 4, entries-per-list: 2^12}
  - {name: heavy-hitters, id: 5, kind: sketch, rows: 2, columns: 2^12}'
LOAD_SHAPE=(--keys 2^12 --lists 4 --sketch-columns 2^12 --quiet)
write_configs() {
  [ -f "$WORK/conf/.done" ] && return 0
  mkdir -p "$WORK/conf"
  # The run's RDMA CM secret (docs/security.md): the host's controller and software collector read it
  # here, the guest's collector a copy made with mode 0600 (start_guest_collector).
  [ -f "$WORK/conf/cm.secret" ] || (umask 077; od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > "$WORK/conf/cm.secret")
  cp "$WORK/conf/cm.secret" "$SHARE/cm.secret"
  cat > "$SHARE/collector-rxe.yaml" <<EOF
collector: {name: rxe}
cm: {secret-file: /tmp/dta-cm.secret}
network: {address: $GUEST_IP, cm-port: $CM_PORT, ingest: disni, path-mtu: 1024, atomic-byte-order: ${DTA_INTEROP_ATOMIC_ORDER:-little-endian}}
data-dir: @DATA@
# The guest's address is on the suite's private tap (docs/interop.md): plain HTTP there is accepted
# knowingly (docs/security.md), so the controller can read the collector's status.
admin: {address: "$GUEST_IP:40042", allow-insecure: true}
queue-pairs: {restore-on-restart: false}
$STORES_YAML
EOF
  cat > "$WORK/conf/collector-sw.yaml" <<EOF
collector: {name: soft}
cm: {secret-file: $WORK/conf/cm.secret}
network: {address: $SW_IP, cm-port: $CM_PORT, ingest: raw, path-mtu: 1024, atomic-byte-order: big-endian}
data-dir: $WORK/data/soft
admin: {address: "$SW_ADMIN"}
$STORES_YAML
EOF
  cat > "$WORK/conf/translator.yaml" <<EOF
translator: {name: interop-tor}
p4runtime: {address: "127.0.0.1:9559"}
network: {address: $HOST_IP, report-port: 40040, mode: raw}
admin: {address: "$TRANSLATOR_ADMIN"}
# The guest runs under TCG: its round trip is milliseconds, not the microseconds of a NIC, and on a
# busy host it stalls for whole time slices. A retransmit timeout below that makes the requester
# query and resend (go-back-N: the whole window) before rxe could answer, which buries the guest
# (docs/interop.md, "nak" and "restart").
dataplane: {retransmit-timeout-micros: 200000}
EOF
  local name address admin
  for name in rxe soft; do
    if [ "$name" = rxe ]; then address=$GUEST_IP; admin="$GUEST_IP:40042"; else address=$SW_IP; admin=$SW_ADMIN; fi
    cat > "$WORK/conf/deployment-$name.yaml" <<EOF
deployment: {name: interop-$name}
controller:
  admin: {address: "$CONTROLLER_ADMIN"}
  # The emulated guest's collector can take seconds to answer a REQ on a busy host: a REP later than
  # the default 5 x 500 ms would leave an abandoned connection that Linux holds (REJ 10) for minutes.
  cm: {secret-file: $WORK/conf/cm.secret, timeout: 2s}
  poll-interval: 500ms
  reconnect: {min-backoff: 500ms, max-backoff: 4s}
collectors:
  - {name: $name, address: $address, cm-port: $CM_PORT, admin: "$admin"}
stores:
  - {name: queue-depth, id: 1, kind: key-write}
  - {name: flow-bytes, id: 2, kind: key-increment}
  - {name: paths, id: 3, kind: postcard}
  - {name: drops, id: 4, kind: append}
  - {name: heavy-hitters, id: 5, kind: sketch}
translators:
  - name: tor
    p4runtime: "127.0.0.1:9559"
    pipeline: software
    address: $HOST_IP
    # No idle flush during a run: postcard rows and Append batches are then written only when
    # complete, so two runs of the same load write the same bytes.
    # Probes every 2 s (3 unanswered: down), not 100 ms: a stalled emulated guest is not a dead one.
    settings: {flush-interval: 2s, probe-interval: 2s}
EOF
  done
  touch "$WORK/conf/.done"
}

# --- the guest's collector -----------------------------------------------------------------------
# start_guest_collector DIR [fresh]: runs the collector (ingest: disni) on data directory
# /var/lib/dta/DIR in the guest and waits until it is ready.
start_guest_collector() {
  local dir="$1" fresh="${2:-}"
  write_configs
  if [ "$MODE" = peer ]; then
    mkdir -p "$SHARE/run" && peer_put collector-rxe.yaml cm.secret dta_probe.c run
  fi
  guest_sh "collector-start-$dir" 900 <<EOF
# One collector at a time (they would share the CM port): stop one left running.
old=\$(cat /tmp/collector.pid 2>/dev/null) && kill -TERM "\$old" 2>/dev/null && \
  for i in \$(seq 1 100); do kill -0 "\$old" 2>/dev/null || break; sleep 0.3; done
mkdir -p /var/lib/dta
[ "$fresh" = fresh ] && rm -rf /var/lib/dta/$dir
sed "s#@DATA@#/var/lib/dta/$dir#" \$SHARE/collector-rxe.yaml > /tmp/collector-$dir.yaml
install -m 600 \$SHARE/cm.secret /tmp/dta-cm.secret
rm -f \$SHARE/run/collector.ready
# The jars are read from the guest's disk, not over 9p (class loading over 9p under emulation takes
# minutes); the JVM's class data archive (CDS) made at the first start speeds up the next ones.
if [ ! -f /var/lib/dta/app/.copied ] || [ \$SHARE/app/classpath -nt /var/lib/dta/app/.copied ]; then
  rm -rf /var/lib/dta/app /var/lib/dta/collector.jsa && cp -r \$SHARE/app /var/lib/dta/app && touch /var/lib/dta/app/.copied
fi
cd /var/lib/dta/app
ulimit -l unlimited
JAVA=\${DTA_PEER_JAVA:-/opt/jdk/bin/java}
# C1 only and the serial GC: the JVM starts much faster under emulation, and the collector does no
# per-report work on this path.
nohup "\$JAVA" $JAVA_FLAGS -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \\
  -XX:SharedArchiveFile=/var/lib/dta/collector.jsa -XX:+AutoCreateSharedArchive -Djava.library.path=\${DTA_PEER_DISNI:-/opt/disni/lib} -cp "\$(cat classpath)" \
  net.dta.collector.CollectorMain run --config /tmp/collector-$dir.yaml --ready-file \$SHARE/run/collector.ready \
  >> \$SHARE/run/collector.log 2>&1 < /dev/null &
echo \$! > /tmp/collector.pid
for i in \$(seq 1 600); do
  [ -f \$SHARE/run/collector.ready ] && { echo "collector ready after \$i s (pid \$(cat /tmp/collector.pid))"; exit 0; }
  kill -0 \$(cat /tmp/collector.pid) 2>/dev/null || { echo "the collector exited:"; tail -n 30 \$SHARE/run/collector.log; exit 1; }
  sleep 1
done
echo "the collector was not ready after 600 s"; tail -n 30 \$SHARE/run/collector.log; exit 1
EOF
}

# Starts a collector on a fresh "e2e" data directory unless one runs already: a JVM start under
# emulation takes minutes, so the cases share one collector where they can.
ensure_guest_collector() {
  guest_sh collector-alive 60 <<'EOF' && return 0
kill -0 "$(cat /tmp/collector.pid 2>/dev/null)" 2>/dev/null
EOF
  start_guest_collector e2e fresh || { fail "the collector (ingest: disni) did not start: $GUEST_OUT"; return 1; }
}

stop_guest_collector() {
  guest_sh collector-stop 60 <<'EOF'
pid=$(cat /tmp/collector.pid 2>/dev/null) || exit 0
kill -TERM "$pid" 2>/dev/null || exit 0
for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || exit 0; sleep 0.3; done
kill -KILL "$pid"; echo "killed"
EOF
}

# --- the host side ----------------------------------------------------------------------------------
start_stack() {
  local deployment="$1"
  write_configs
  if [ ! -f "$WORK/pids/translator" ]; then
    rm -f "$WORK/run-translator.ready"
    start_host translator translator run --config "$WORK/conf/translator.yaml" --ready-file "$WORK/run-translator.ready"
    wait_for "the translator" 120 test -f "$WORK/run-translator.ready" || { fail "the translator did not start ($WORK/logs/translator.log)"; return 1; }
  fi
  if [ ! -f "$WORK/pids/controller" ]; then
    start_host controller controller run --config "$WORK/conf/deployment-$deployment.yaml" --no-watch
  fi
  if ! wait_for "the queue pair to come up" "${DTA_INTEROP_QP_TIMEOUT:-90}" qp_up; then
    fail "the translator's queue pair to the $deployment collector did not come up through RDMA CM (controller log: $WORK/logs/controller.log; collector log: $SHARE/run/collector.log)"
    return 1
  fi
}

stop_stack() { stop_host controller; stop_host translator; }

qp_up() { [ "$(metric "$CONTROLLER_ADMIN" 'dta_controller_translator_queue_pair_up{')" = "1.0" ]; }

# The value as an integer (Prometheus' writer prints 3.0, and 1.2345678E7 from 10^7 up).
tor() { metric "$TRANSLATOR_ADMIN" "$1" | awk '{ printf "%d\n", $1 }'; }

# Sends a load through the translator (in the namespace) and waits until the translator's requests
# stop moving and the flush interval passed. Extra arguments go to ./dta reporter load; SEED (the
# environment) replaces the load's seed: a load that must change the stores needs a new one, since
# the same seed writes the same bytes again.
send_load() {
  nsx env DTA_NO_BUILD=1 "$ROOT/dta" reporter load --to "$HOST_IP:40040" --seed "${SEED:-$LOAD_SEED}" "${LOAD_SHAPE[@]}" "$@" \
    > "$WORK/logs/load-$(date +%s).log" 2>&1 || { fail "the reporter load failed"; return 1; }
  local before after
  after="$(tor 'dta_translator_queue_pair_requests_total{')"
  while :; do
    sleep 3
    before="$after"; after="$(tor 'dta_translator_queue_pair_requests_total{')"
    [ "$before" = "$after" ] && break
  done
}

# The translator's non-zero dta_translator_reports_lost_total series (every reason: a report it
# dropped before sending, e.g. retransmit_window, is lost as surely as a lost packet).
reports_lost() {
  nsx curl -s --max-time 5 "http://$TRANSLATOR_ADMIN/metrics" | awk '/^dta_translator_reports_lost_total\{/ && $NF != 0 { printf "%s ", $0 }'
}

# --- cases ----------------------------------------------------------------------------------------
# Offsets RdmaCmNative relies on, as the guest's headers have them (dta_probe --offsets).
EXPECTED_OFFSETS="event.id=0 event.event=16 event.status=20 event.param=24 conn.private_data_len=8
conn.responder_resources=9 conn.initiator_depth=10 conn.retry_count=12 conn.rnr_retry_count=13 conn.qp_num=16
conn.size=24 id.qp=24 id.dst_addr=160 qpi.send_cq=8 qpi.recv_cq=16 qpi.cap=32 qpi.qp_type=52 qpi.size=64
qp.qp_num=52 device_attr.max_qp_rd_atom=144 device_attr.size=232 IBV_QPT_RC=2 mr.rkey=40 mr.size=48"

case_probe() {
  guest_sh probe-build 120 <<'EOF' || { fail "building the verbs probe failed: $GUEST_OUT"; return 1; }
gcc -O2 -Wall -o /tmp/dta_probe $SHARE/dta_probe.c -lrdmacm -libverbs && /tmp/dta_probe --offsets
EOF
  local o
  for o in $EXPECTED_OFFSETS; do
    grep -qx "$o" <<< "$GUEST_OUT" || { fail "struct offset differs from the DiSNI backend's: want $o, headers say: $(grep "^${o%%=*}=" <<< "$GUEST_OUT")"; return 1; }
  done
  say "  rdma-core struct offsets match RdmaCmNative's"
  ensure_guest_collector || return 1
  say "  collector (DiSNI) listening; Linux rdma_cm connects as the active side..."
  guest_sh probe-run 120 <<EOF || { fail "the probe failed: $(grep '^error=' <<< "$GUEST_OUT")"; printf '%s\n' "$GUEST_OUT" >&2; return 1; }
echo "file.ki_counter0_before=\$(od -An -tx1 -j4096 -N8 \$(sed -n 's/^data-dir: //p' /tmp/collector-e2e.yaml)/flow-bytes.dta | tr -d ' ')"
/tmp/dta_probe $GUEST_IP $CM_PORT /tmp/dta-cm.secret
dir=\$(sed -n 's/^data-dir: //p' /tmp/collector-e2e.yaml)
echo "file.kw_slot1=\$(od -An -tx1 -j4104 -N8 \$dir/queue-depth.dta | tr -d ' ')"
echo "file.ki_counter0=\$(od -An -tx1 -j4096 -N8 \$dir/flow-bytes.dta | tr -d ' ')"
EOF
  printf '%s\n' "$GUEST_OUT" > "$WORK/logs/probe.txt"
  local want
  for want in probe=ok catalog.read=ok catalog.entries=5 rep.version=2 rep.mac=ok rep.stores=5 write=ok \
              file.kw_slot1=0123456789abcdef; do
    grep -qx "$want" <<< "$GUEST_OUT" || { fail "probe: expected $want, got: $(tr '\n' ' ' <<< "$GUEST_OUT" | cut -c1-600)"; return 1; }
  done
  # Two FETCH_ADDs of 5: the first returns the counter as it was, the second 5 more; the file then
  # holds 10 more, in the byte order rxe adds in (found out here, not assumed).
  local order
  order="$(python3 - "$GUEST_OUT" <<'PY'
import sys
kv = dict(line.split("=", 1) for line in sys.argv[1].splitlines() if "=" in line)
before, after = bytes.fromhex(kv["file.ki_counter0_before"]), bytes.fromhex(kv["file.ki_counter0"])
first, second = int(kv["fetch_add.first"]), int(kv["fetch_add.second"])
for order in ("little", "big"):
    b, a = int.from_bytes(before, order), int.from_bytes(after, order)
    if a == b + 10 and first == b and second == b + 5:
        print(f"{order}-endian ({kv['file.ki_counter0_before']} -> {kv['file.ki_counter0']}, FETCH_ADD returned {first}, {second})")
        break
else:
    print(f"none: counter bytes {before.hex()} -> {after.hex()}, FETCH_ADD returned {first}, {second}")
PY
)"
  case "$order" in none*) fail "FETCH_ADD: $order"; return 1 ;; esac
  echo "rxe_fetch_add_memory_order=$order" >> "$WORK/measurements.txt"
  # rdma_cm shows the active side the REP's responder resources as its initiator_depth.
  echo "probe: REP responder resources $(sed -n 's/^rep.initiator_depth=//p' <<< "$GUEST_OUT") (the REQ asked 16)" >> "$WORK/measurements.txt"
  say "  REP carried DTA1 data; catalog READ, WRITE and FETCH_ADD served by rxe; counters in memory: $order"
}

# Copies the stores of a guest data directory to the work directory.
fetch_guest_stores() {
  local dir="$1" dest="$2"
  mkdir -p "$dest"
  if [ "$MODE" = peer ]; then
    peer_run "cd /var/lib/dta/$dir && tar -cf - *.dta" < /dev/null | tar -C "$dest" -xf -
  else
    guest_sh "fetch-$dir" 120 <<EOF
mkdir -p \$SHARE/run/stores-$dir && cp /var/lib/dta/$dir/*.dta \$SHARE/run/stores-$dir/
EOF
    cp "$SHARE/run/stores-$dir/"*.dta "$dest/"
  fi
}

# The guest under TCG on a busy host drops packets at 4k reports/s and, now and then, at 1k/s
# (a NAK then costs the whole window in flight): the rate stays low; DTA_INTEROP_RATE raises it on a NIC.
RATE="${DTA_INTEROP_RATE:-500}"
PRIMITIVES_LOAD=(--count 10000 --rate "$RATE")

case_primitives() {
  start_guest_collector e2e fresh || { fail "the collector did not start: $GUEST_OUT"; return 1; }
  start_stack rxe || return 1
  say "  queue pair up; load: 10,000 reports of all five primitives at $RATE/s..."
  send_load "${PRIMITIVES_LOAD[@]}" || return 1
  local lost_rxe dropped_rxe; lost_rxe="$(tor 'dta_translator_queue_pair_lost_packets_total{')"
  dropped_rxe="$(reports_lost)"
  fetch_guest_stores e2e "$WORK/data/rxe-stores"
  stop_stack
  say "  the same load against the software responder (raw mode, in the namespace)..."
  rm -rf "$WORK/data/soft"
  start_host collector-sw collector run --config "$WORK/conf/collector-sw.yaml" --ready-file "$WORK/run-sw.ready"
  wait_for "the software collector" 120 test -f "$WORK/run-sw.ready" || { fail "the software collector did not start"; return 1; }
  start_stack soft || return 1
  send_load "${PRIMITIVES_LOAD[@]}" || return 1
  local lost_sw dropped_sw; lost_sw="$(tor 'dta_translator_queue_pair_lost_packets_total{')"; dropped_sw="$(reports_lost)"
  stop_stack
  stop_host collector-sw
  [ "$lost_rxe" = 0 ] && [ "$lost_sw" = 0 ] || { fail "packets lost: $lost_rxe towards rxe, $lost_sw towards the software responder"; return 1; }
  [ -z "$dropped_rxe" ] && [ -z "$dropped_sw" ] \
    || { fail "the translator dropped reports: towards rxe: ${dropped_rxe:-none}; towards the software responder: ${dropped_sw:-none}"; return 1; }
  python3 "$HERE/compare_stores.py" "$WORK/data/rxe-stores" "$WORK/data/soft" > "$WORK/logs/compare.txt" 2>&1 \
    || { fail "the stores differ: $(tail -n 5 "$WORK/logs/compare.txt" | tr '\n' ' ')"; return 1; }
  sed 's/^/  /' "$WORK/logs/compare.txt" >&2
  compare_queries || return 1
}

# Query answers through the project's own reader (./dta collector read) on both copies: a
# Key-Write value, a Count-Min estimate, a path and an Append list. (One JVM per answer: a sample.)
compare_queries() {
  local key queries=() q a b answers=0
  key="$(python3 "$HERE/compare_stores.py" --sample-keys 2 | tail -n 1)"
  queries=("kw-get -s queue-depth -k $key" "counter -s flow-bytes -k $key" "path -s paths -k $key"
           "append -s drops -l 1 --max 20")
  for q in "${queries[@]}"; do
    # shellcheck disable=SC2086 # the query is words
    a="$(DTA_NO_BUILD=1 "$ROOT/dta" collector read $q -d "$WORK/data/rxe-stores" 2>&1)"
    # shellcheck disable=SC2086
    b="$(DTA_NO_BUILD=1 "$ROOT/dta" collector read $q -d "$WORK/data/soft" 2>&1)"
    [ "$a" = "$b" ] || { fail "query '$q': rxe says '$a', the software responder '$b'"; return 1; }
    answers=$((answers + 1))
    printf 'query %s:\n%s\n' "$q" "$a" >> "$WORK/logs/queries.txt"
  done
  say "  $answers query answers identical on both collectors (kw-get, counter, path, append; $WORK/logs/queries.txt)"
}

NAK_REPORTS=3000
case_nak() {
  ensure_guest_collector || return 1
  start_stack rxe || return 1
  rm -rf "$WORK/data/nak0"; fetch_guest_stores e2e "$WORK/data/nak0"
  local landed0; landed0="$(python3 "$HERE/compare_stores.py" --appended "$WORK/data/nak0/drops.dta")"
  # Every 50th RDMA WRITE Only (BTH opcode 0x0a, the first byte after the UDP header) towards the
  # guest is dropped between the namespace and the tap; the rule's counter says how many.
  nsx nft -f - <<EOF
table inet dta_interop {
  chain out {
    type filter hook output priority 0;
    ip daddr $GUEST_IP udp dport 4791 @th,64,8 0x0a numgen inc mod 50 == 25 counter drop
  }
}
EOF
  local lost0 probes0 retx0 applied0
  lost0="$(tor 'dta_translator_queue_pair_lost_packets_total{')"; probes0="$(tor 'dta_translator_queue_pair_probes_total{')"
  retx0="$(tor 'dta_translator_dataplane_retransmitted_total')"
  applied0="$(tor 'dta_translator_reports_applied_total{primitive="append"}')"
  say "  dropping every 50th WRITE to the guest; load: $NAK_REPORTS Append reports (one WRITE each)..."
  send_load --count "$NAK_REPORTS" --rate "$RATE" --mix ap=1 || return 1
  local dropped lost resyncs landed probes retx applied reasons
  dropped="$(nsx nft list table inet dta_interop | sed -n 's/.*counter packets \([0-9]*\).*/\1/p')"
  nsx nft delete table inet dta_interop
  lost=$(( $(tor 'dta_translator_queue_pair_lost_packets_total{') - lost0 ))
  resyncs="$(tor 'dta_translator_queue_pair_resyncs_total{')"
  probes=$(( $(tor 'dta_translator_queue_pair_probes_total{') - probes0 ))
  retx=$(( $(tor 'dta_translator_dataplane_retransmitted_total') - retx0 ))
  applied=$(( $(tor 'dta_translator_reports_applied_total{primitive="append"}') - applied0 ))
  reasons="$(nsx curl -s --max-time 5 "http://$TRANSLATOR_ADMIN/metrics" | grep '^dta_translator_reports_lost_total{primitive="append"' | awk '$NF != 0' | tr '\n' ' ')"
  rm -rf "$WORK/data/nak"; fetch_guest_stores e2e "$WORK/data/nak"
  landed=$(( $(python3 "$HERE/compare_stores.py" --appended "$WORK/data/nak/drops.dta") - landed0 ))
  echo "nak: $NAK_REPORTS reports, nftables dropped $dropped WRITEs, translator retransmitted $retx requests, counted $lost lost packets ($resyncs resyncs, $probes probes sent), $applied reports applied, $landed entries landed; lost by reason: ${reasons:-none}" >> "$WORK/measurements.txt"
  say "  nftables dropped $dropped WRITEs; the translator retransmitted $retx and counted $lost lost; $applied applied, $landed of $NAK_REPORTS entries landed"
  [ "$dropped" -gt 0 ] || { fail "nftables dropped nothing"; return 1; }
  # The retransmitting requester (protocol.md 5.6) resends what rxe did not execute: every report
  # lands, nothing is counted lost, and what the translator calls applied is what is in the ring.
  [ "$retx" -ge "$dropped" ] || { fail "nftables dropped $dropped WRITEs but the translator retransmitted only $retx"; return 1; }
  [ "$landed" -eq "$NAK_REPORTS" ] || { fail "$landed of $NAK_REPORTS entries landed (lost by reason: ${reasons:-none})"; return 1; }
  [ "$lost" -eq 0 ] && [ -z "$reasons" ] || { fail "nothing should be lost, the translator counted $lost lost packets (${reasons:-})"; return 1; }
  [ "$applied" -eq "$NAK_REPORTS" ] || { fail "the translator says $applied of $NAK_REPORTS reports applied, $landed landed"; return 1; }
}

guest_store_sums() {
  guest_sh store-sums 60 <<EOF
cd /var/lib/dta/$1 && sha256sum *.dta
EOF
}

collector_established() {
  nsx curl -s --max-time 5 "http://$GUEST_IP:40042/status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["connections"]["established"])' 2>/dev/null
}

guest_has_queue_pair() { [ "$(collector_established)" -ge 1 ] 2>/dev/null; }

# The collector's queue pairs as "qpn:remote_qpn" words (its /status).
collector_queue_pairs() {
  nsx curl -s --max-time 5 "http://$GUEST_IP:40042/status" \
    | python3 -c 'import json,sys; print(" ".join("%x:%x" % (q["qpn"], q["remote_qpn"]) for q in json.load(sys.stdin)["queue_pairs"]))' 2>/dev/null
}

case_restart() {
  ensure_guest_collector && start_stack rxe || return 1
  guest_store_sums e2e; local before="$GUEST_OUT"
  say "  restarting the guest's collector (SIGTERM, same data directory)..."
  stop_guest_collector
  start_guest_collector e2e || { fail "the collector did not restart: $GUEST_OUT"; return 1; }
  guest_store_sums e2e
  [ "$GUEST_OUT" = "$before" ] || { fail "store files changed across the restart"; return 1; }
  say "  store files identical after the restart; the controller re-connects..."
  # The collector's SIGTERM ends the old connection (Linux sends a DREQ and enters time-wait). The
  # guest's collector does not announce itself (the controller's admin endpoint is on the namespace's
  # loopback): the controller's back-off (4 s at most here) finds it. A REQ the starting collector
  # answers too late is withdrawn with a timeout REJ, so no REJ 10 follows (docs/interop.md).
  local t0=$SECONDS
  wait_for "the queue pair to come back" 240 guest_has_queue_pair \
    || { fail "no queue pair re-established within 240 s of the collector restart"; return 1; }
  echo "collector_restart: store files identical; queue pair back $((SECONDS - t0)) s after the collector was ready" >> "$WORK/measurements.txt"
  wait_for "the translator's queue pair" 60 qp_up || { fail "the translator's queue pair stayed down"; return 1; }
  local lost0; lost0="$(tor 'dta_translator_queue_pair_lost_packets_total{')"
  SEED="$(date +%s)" send_load --count 2000 --rate "$RATE" --mix kw=1 || return 1
  guest_store_sums e2e
  [ "$GUEST_OUT" != "$before" ] || { fail "reports sent after the restart did not land"; return 1; }
  [ "$(tor 'dta_translator_queue_pair_lost_packets_total{')" = "$lost0" ] || { fail "packets lost after the restart"; return 1; }
}

ctl() { metric "$CONTROLLER_ADMIN" "$1" | awk '{ printf "%d\n", $1 }'; }

# A restarted controller adopts the queue pair the translator still runs (docs/reliability.md):
# it reads the catalog through a side connection and neither re-connects the queue pair nor sends
# a REQ from its QPN (which Linux would answer with REJ 10 while it holds the live connection).
case_controller() {
  ensure_guest_collector && start_stack rxe || return 1
  local acks0 qps0; acks0="$(tor 'dta_translator_queue_pair_acks_total{')"; qps0="$(collector_queue_pairs)"
  say "  stopping the controller; reports keep flowing..."
  stop_host controller
  send_load --count 2000 --rate "$RATE" --mix kw=1 || return 1
  [ "$(tor 'dta_translator_queue_pair_acks_total{')" -gt "$acks0" ] || { fail "no ACKs while the controller was down"; return 1; }
  local t0=$SECONDS
  start_host controller controller run --config "$WORK/conf/deployment-rxe.yaml" --no-watch
  wait_for "the controller" 240 qp_up || { fail "the restarted controller does not see the queue pair up"; return 1; }
  local adopted connects qps1
  adopted="$(ctl 'dta_controller_translator_cm_events_total{event="queue_pair_adopted"')"
  connects="$(ctl 'dta_controller_translator_queue_pair_connects_total{')"; qps1="$(collector_queue_pairs)"
  echo "controller_restart: up $((SECONDS - t0)) s after the restart; adopted ${adopted:-0}, re-connected ${connects:-0}; collector's queue pairs (QPN:translator QPN) before '$qps0', after '$qps1'" >> "$WORK/measurements.txt"
  [ "${adopted:-0}" = 1 ] && [ "${connects:-0}" = 0 ] && [ "$qps1" = "$qps0" ] \
    || { fail "the restarted controller did not adopt the live queue pair (adopted ${adopted:-0}, re-connected ${connects:-0}; collector's queue pairs '$qps0' -> '$qps1'; $WORK/logs/controller.log)"; return 1; }
  say "  the restarted controller adopted the live queue pair ($qps1) in $((SECONDS - t0)) s: not re-connected"
  local lost0; lost0="$(tor 'dta_translator_queue_pair_lost_packets_total{')"
  send_load --count 2000 --rate "$RATE" --mix kw=1 || return 1
  [ "$(tor 'dta_translator_queue_pair_lost_packets_total{')" = "$lost0" ] || { fail "packets lost after the controller restart"; return 1; }
}

# CPU of the guest's collector process (utime+stime of /proc/PID/stat) and of the guest's kernel
# (system+irq+softirq of /proc/stat, where rxe's packet processing runs), in clock ticks.
guest_cpu() {
  guest_sh cpu 30 <<'EOF'
pid=$(cat /tmp/collector.pid)
echo "proc=$(awk '{print $14 + $15}' /proc/$pid/stat) kernel=$(awk '/^cpu /{print $4 + $7 + $8}' /proc/stat) hz=$(getconf CLK_TCK)"
EOF
}

read_guest_cpu() {
  guest_cpu || return 1
  CPU_PROC="$(sed -n 's/.*proc=\([0-9]*\).*/\1/p' <<< "$GUEST_OUT")"
  CPU_KERNEL="$(sed -n 's/.*kernel=\([0-9]*\).*/\1/p' <<< "$GUEST_OUT")"
  CPU_HZ="$(sed -n 's/.*hz=\([0-9]*\).*/\1/p' <<< "$GUEST_OUT")"
}

CPU_REPORTS=20000
case_cpu() {
  ensure_guest_collector && start_stack rxe || return 1
  read_guest_cpu; local k0=$CPU_KERNEL q0=$CPU_PROC
  sleep 10
  # The baselines: the guest kernel's and the collector's ticks in 10 s without load (the JVM's own
  # timers, GC and compiler, the CM thread's poll, the agent's polling of the share).
  read_guest_cpu; local idle_kernel=$((CPU_KERNEL - k0)) idle_proc=$((CPU_PROC - q0))
  local p0=$CPU_PROC k1=$CPU_KERNEL t0=$SECONDS
  send_load --count "$CPU_REPORTS" --rate "$RATE" --mix kw=1,ki=1 || return 1
  local secs=$((SECONDS - t0))
  read_guest_cpu
  local rxe_proc_raw=$((CPU_PROC - p0))
  local rxe_proc=$(( rxe_proc_raw - idle_proc * secs / 10 )) rxe_kernel=$(( (CPU_KERNEL - k1) - idle_kernel * secs / 10 ))
  local hz=$CPU_HZ
  stop_stack
  rm -rf "$WORK/data/soft"
  start_host collector-sw collector run --config "$WORK/conf/collector-sw.yaml" --ready-file "$WORK/run-sw.ready"
  wait_for "the software collector" 120 test -f "$WORK/run-sw.ready" || { fail "the software collector did not start"; return 1; }
  start_stack soft || return 1
  local pid s0 s1; pid="$(cat "$WORK/pids/collector-sw")"
  s0="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  send_load --count "$CPU_REPORTS" --rate "$RATE" --mix kw=1,ki=1 || return 1
  s1="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  local host_hz; host_hz="$(getconf CLK_TCK)"
  stop_stack; stop_host collector-sw
  python3 - "$rxe_proc" "$rxe_proc_raw" "$hz" "$rxe_kernel" "$((s1 - s0))" "$host_hz" "$CPU_REPORTS" "$secs" <<'PY' | tee -a "$WORK/measurements.txt" >&2
import sys
proc, raw, hz, kernel, soft, host_hz, n, secs = (int(x) for x in sys.argv[1:])
us = lambda ticks, h: ticks * 1e6 / h / n
print(f"cpu_per_report: {n} reports (kw+ki) in {secs} s; collector process on verbs (DiSNI, rxe): "
      f"{us(proc, hz):.2f} us/report over its idle baseline ({raw} ticks in all); "
      f"guest kernel (rxe: softirq+irq+system, idle baseline removed): {us(kernel, hz):.2f} us/report; "
      f"software responder process: {us(soft, host_hz):.2f} us/report ({soft} ticks)")
PY
}

# Functions of the interop suite (sourced by interop/run.sh; the cases are in cases.sh).
# shellcheck shell=bash

NS=""; QEMU_PID=""; SHARE=""; MODE="guest"; PEER_SHELL="${PEER_SHELL:-}"
HOST_IP=10.77.0.1          # the namespace's end of the tap: the translator's address
GUEST_IP=10.77.0.2         # the guest's eth0: the collector's address
SW_IP=${DTA_INTEROP_SOFT_ADDRESS:-10.77.1.2}  # the software responder's address (on the namespace's loopback)
GUEST_MAC=52:54:00:77:00:02
TAP=dtaio0
CM_PORT=40041
RESULTS=()

say() { printf '[%5ds] %s\n' "$((SECONDS - ${SUITE_START:-0}))" "$*" >&2; }

# --- prerequisites ------------------------------------------------------------------------------
check_prerequisites() {
  local missing=() packages=()
  [ "$(id -u)" = 0 ] || { echo "interop: needs root (network namespace, tap device, raw sockets, image build)" >&2; return 1; }
  need() { command -v "$1" > /dev/null 2>&1 || { missing+=("$1"); packages+=("$2"); }; }
  need ip iproute2; need nft nftables; need curl curl; need python3 python3
  if [ -z "$PEER" ]; then
    need qemu-system-x86_64 qemu-system-x86; need debootstrap debootstrap; need mkfs.ext4 e2fsprogs
    [ -c /dev/net/tun ] || { missing+=(/dev/net/tun); packages+=("(the kernel's tun driver: modprobe tun)"); }
  elif [ -z "${PEER_SHELL:-}" ]; then
    need ssh openssh-client
  fi
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "interop: missing ${missing[*]}; install: apt-get install -y ${packages[*]}" >&2
    return 1
  fi
}

# --- state of a run (for --keep / --attach / --down) ---------------------------------------------
save_state() {
  cat > "$WORK/state" <<STATE
NS=$NS
QEMU_PID=$QEMU_PID
SHARE=$SHARE
MODE=$MODE
PEER=$PEER
PEER_SHELL="$PEER_SHELL"
PEER_ADDRESS=$PEER_ADDRESS
LOCAL_ADDRESS=$LOCAL_ADDRESS
SW_ADDED=${SW_ADDED:-0}
STATE
}

load_state() {
  [ -f "$WORK/state" ] || { echo "interop: $WORK is not the work directory of a kept run (no state file)" >&2; exit 2; }
  # shellcheck disable=SC1091
  . "$WORK/state"
  if [ "$MODE" = peer ]; then GUEST_IP="$PEER_ADDRESS"; HOST_IP="$LOCAL_ADDRESS"; fi
}

# Runs a command in the suite's network namespace (directly in peer mode).
nsx() {
  if [ -n "$NS" ]; then ip netns exec "$NS" "$@"; else "$@"; fi
}

# --- the guest --------------------------------------------------------------------------------
# TCG (software emulation) unless DTA_INTEROP_ACCEL=kvm: on this project's machines /dev/kvm is a
# nested KVM on which QEMU's "-cpu host" aborts (MSR 0x10a) and the guest kernel hangs early.
accel() { echo "${DTA_INTEROP_ACCEL:-tcg}"; }

boot_guest() {
  NS="dta-io-$$"
  SHARE="$WORK/share"
  mkdir -p "$SHARE/cmd" "$SHARE/run" "$WORK/logs"
  rm -f "$SHARE/ready" "$SHARE/poweroff"
  cp "$HERE/guest-agent.sh" "$SHARE/guest-agent.sh"
  printf 'GUEST_IP=%s\nHOST_IP=%s\nPREFIX=24\n' "$GUEST_IP" "$HOST_IP" > "$SHARE/guest.env"
  ip netns add "$NS"
  save_state
  nsx ip link set lo up
  nsx ip addr add "$SW_IP/32" dev lo
  nsx ip tuntap add dev "$TAP" mode tap
  nsx ip addr add "$HOST_IP/24" dev "$TAP"
  # Deep queues on both sides of the tap: a TCG guest on a busy host stalls for whole time slices,
  # and every packet dropped in a queue costs a NAK and the window in flight.
  nsx ip link set "$TAP" txqueuelen 20000
  nsx ip link set "$TAP" up
  local a cpu
  a="$(accel)"
  cpu=max; [ "$a" = kvm ] && cpu=host,-arch-capabilities
  say "booting the guest (QEMU, accel $a, 2 GiB, tap $TAP in namespace $NS)..."
  # The cached image stays pristine: writes go to a temporary overlay (snapshot=on).
  ip netns exec "$NS" qemu-system-x86_64 -accel "$a" -cpu "$cpu" -smp 1 -m 2048 -nographic -no-reboot \
    -kernel "$IMAGE/vmlinuz" -initrd "$IMAGE/initrd.img" \
    -append "console=ttyS0 root=/dev/vda rw quiet panic=-1 net.ifnames=0" \
    -drive "file=$IMAGE/disk.img,format=raw,if=virtio,snapshot=on" \
    -netdev "tap,id=n0,ifname=$TAP,script=no,downscript=no" -device "virtio-net-pci,netdev=n0,mac=$GUEST_MAC,romfile=" \
    -virtfs "local,path=$SHARE,mount_tag=dta,security_model=none,id=dta" \
    -serial "file:$WORK/logs/console.log" -monitor none > "$WORK/logs/qemu.log" 2>&1 &
  QEMU_PID=$!
  save_state
  local start=$SECONDS
  while [ ! -f "$SHARE/ready" ]; do
    if ! kill -0 "$QEMU_PID" 2>/dev/null; then
      tail -n 20 "$WORK/logs/qemu.log" "$WORK/logs/console.log" >&2 || true
      echo "interop: QEMU exited before the guest was ready (logs above; $WORK/logs)" >&2; exit 1
    fi
    if [ $((SECONDS - start)) -gt "${DTA_INTEROP_BOOT_TIMEOUT:-600}" ]; then
      tail -n 20 "$WORK/logs/console.log" >&2 || true
      echo "interop: the guest was not ready after $((SECONDS - start)) s (console: $WORK/logs/console.log)" >&2; exit 1
    fi
    sleep 2
    [ $(( (SECONDS - start) % 20 )) -lt 2 ] && say "  waiting for the guest ($((SECONDS - start)) s): $(tail -c 300 "$WORK/logs/console.log" 2>/dev/null | tr -d '\r' | grep -v '^$' | tail -n 1 | cut -c1-100)"
  done
  # shellcheck disable=SC1091
  . "$SHARE/ready"
  [ "${rxe_rc:-1}" = 0 ] || { cat "$SHARE/guest-agent.log" >&2; echo "interop: rdma_rxe did not come up in the guest" >&2; exit 1; }
  GUEST_KERNEL="$kernel"
  say "guest ready in $((SECONDS - start)) s: kernel $GUEST_KERNEL, rxe0 on $GUEST_IP ($(grep -m1 -o 'state:.*' "$SHARE/ibv_devinfo.txt" | head -n1))"
  echo "peer=Linux $GUEST_KERNEL rdma_rxe (Soft-RoCE) in QEMU ($a)" >> "$WORK/measurements.txt"
  echo "guest_boot_seconds=$((SECONDS - start))" >> "$WORK/measurements.txt"
}

# Runs a shell command on the peer (peer mode), stdin passed on: through --peer-shell when given
# (e.g. interop/guest-shell.sh for the suite's own guest), else ssh as root.
peer_run() {
  if [ -n "$PEER_SHELL" ]; then
    # shellcheck disable=SC2086 # the prefix is words
    $PEER_SHELL "$*"
  else
    ssh -o BatchMode=yes "$PEER" "$*"
  fi
}

# Copies files or directories (relative to $SHARE) to the peer's /var/tmp/dta-interop.
peer_put() {
  tar -C "$SHARE" -cf - "$@" | peer_run "mkdir -p /var/tmp/dta-interop && tar -C /var/tmp/dta-interop -xf -"
}

setup_peer() {
  MODE=peer
  [ -n "$PEER_ADDRESS" ] && [ -n "$LOCAL_ADDRESS" ] \
    || { echo "interop: --peer needs --peer-address and --local-address" >&2; exit 2; }
  GUEST_IP="$PEER_ADDRESS"; HOST_IP="$LOCAL_ADDRESS"
  SHARE="$WORK/share"; mkdir -p "$SHARE/run" "$WORK/logs"
  local java="${DTA_PEER_JAVA:-/opt/jdk/bin/java}" disni="${DTA_PEER_DISNI:-/opt/disni/lib}"
  peer_run "ibv_devices && test -x $java && test -e $disni/libdisni.so && uname -r" < /dev/null > "$WORK/logs/peer-check.log" 2>&1 \
    || { cat "$WORK/logs/peer-check.log" >&2; echo "interop: $PEER has no RDMA device, no $java or no $disni/libdisni.so (docs/interop.md, \"Against a real NIC\")" >&2; exit 3; }
  GUEST_KERNEL="$(tail -n 1 "$WORK/logs/peer-check.log")"
  echo "peer=$PEER Linux $GUEST_KERNEL ($(awk 'NR==3{print $1}' "$WORK/logs/peer-check.log")) through ${PEER_SHELL:-ssh}" >> "$WORK/measurements.txt"
  # The software responder of the comparisons needs its address on this host's loopback.
  if ! ip -o addr show dev lo | grep -q " $SW_IP/"; then ip addr add "$SW_IP/32" dev lo; SW_ADDED=1; fi
  save_state
}

# Runs the script on stdin in the guest (or on the peer), as root; its output is in $GUEST_OUT
# and in the work directory. Returns its exit code. Optional first argument: a name for the logs.
GUEST_SEQ=0
guest_sh() {
  local name="${1:-cmd}" timeout="${2:-300}" n script
  GUEST_SEQ=$((GUEST_SEQ + 1))
  n="$(date +%s%N)-$name"
  script="$(cat)"
  if [ "$MODE" = peer ]; then
    local rc=0
    GUEST_OUT="$(printf '%s\n' "$script" | PEER="$PEER" PEER_SHELL="$PEER_SHELL" timeout "$timeout" \
      bash -c "$(declare -f peer_run); peer_run 'SHARE=/var/tmp/dta-interop sh -s'" 2>&1)" || rc=$?
    printf '%s\n' "$GUEST_OUT" > "$WORK/logs/guest-$n.out"
    return "$rc"
  fi
  printf 'SHARE=/mnt/dta\n%s\n' "$script" > "$SHARE/cmd/$n.sh.tmp"
  mv "$SHARE/cmd/$n.sh.tmp" "$SHARE/cmd/$n.sh"
  local start=$SECONDS
  while [ ! -f "$SHARE/cmd/$n.rc" ]; do
    if [ $((SECONDS - start)) -gt "$timeout" ]; then
      GUEST_OUT="$(cat "$SHARE/cmd/$n.out" 2>/dev/null)"
      echo "interop: guest command $name timed out after $timeout s" >&2
      return 124
    fi
    kill -0 "$QEMU_PID" 2>/dev/null || { echo "interop: the guest is gone (QEMU exited)" >&2; return 125; }
    sleep 0.3
  done
  GUEST_OUT="$(cat "$SHARE/cmd/$n.out")"
  return "$(cat "$SHARE/cmd/$n.rc")"
}

# --- host-side components -------------------------------------------------------------------------
JAVA_FLAGS="$(sed -n 's:.*<dta.jvm.flags>\(.*\)</dta.jvm.flags>.*:\1:p' "$ROOT/pom.xml" | head -n1)"

# Copies the collector's classes and jars where the guest (or the peer) can run them.
stage_components() {
  local app="$SHARE/app" entry i=0 cp=""
  if [ -f "$app/classpath" ] && [ -z "$(find "$ROOT/collector/target/classpath.txt" -newer "$app/classpath")" ]; then
    return 0
  fi
  rm -rf "$app"; mkdir -p "$app/lib"
  cp -r "$ROOT/collector/target/classes" "$app/classes"
  cp="classes"
  IFS=: read -r -a entries < "$ROOT/collector/target/classpath.txt" || true  # no final newline
  for entry in "${entries[@]}"; do
    i=$((i + 1))
    if [ -d "$entry" ]; then cp -r "$entry" "$app/lib/$i"; cp="$cp:lib/$i"
    else cp "$entry" "$app/lib/$i-$(basename "$entry")"; cp="$cp:lib/$i-$(basename "$entry")"; fi
  done
  echo "$cp" > "$app/classpath"
  cp "$HERE/probe/dta_probe.c" "$SHARE/dta_probe.c"
  if [ "$MODE" = peer ]; then
    peer_run "rm -rf /var/tmp/dta-interop/app" < /dev/null
    peer_put app dta_probe.c
  fi
}

# Starts a host-side component in the namespace: start_host NAME ./dta-args... ; pid in $WORK/pids/NAME.
start_host() {
  local name="$1"; shift
  local prefix=()
  [ -n "$NS" ] && prefix=(ip netns exec "$NS")
  mkdir -p "$WORK/pids"
  ( cd "$ROOT" && DTA_NO_BUILD=1 exec "${prefix[@]}" "$ROOT/dta" "$@" ) >> "$WORK/logs/$name.log" 2>&1 &
  echo $! > "$WORK/pids/$name"
}

stop_host() {
  local name="$1" pid
  [ -f "$WORK/pids/$name" ] || return 0
  pid="$(cat "$WORK/pids/$name")"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$WORK/pids/$name"
}

# Prometheus text of an admin endpoint in the namespace; metric NAME{labels}: prints the value.
metric() {
  local endpoint="$1" pattern="$2"
  nsx curl -s --max-time 5 "http://$endpoint/metrics" | awk -v p="$pattern" 'index($0, p) == 1 { print $NF; exit }'
}

# Waits until CMD (a function or command) succeeds, up to SECONDS; prints progress every 15 s.
wait_for() {
  local what="$1" limit="$2"; shift 2
  local start=$SECONDS
  until "$@"; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then say "  gave up waiting for $what after $limit s"; return 1; fi
    sleep 1
    [ $(( (SECONDS - start) % 15 )) = 0 ] && say "  waiting for $what ($((SECONDS - start)) s)"
  done
  return 0
}

# --- teardown -----------------------------------------------------------------------------------
teardown() {
  local f
  for f in "$WORK"/pids/*; do [ -e "$f" ] && stop_host "$(basename "$f")"; done
  if [ -n "$QEMU_PID" ] && kill -0 "$QEMU_PID" 2>/dev/null; then
    say "powering the guest off..."
    touch "$SHARE/poweroff"
    for _ in $(seq 1 60); do kill -0 "$QEMU_PID" 2>/dev/null || break; sleep 0.5; done
    kill -TERM "$QEMU_PID" 2>/dev/null || true
    sleep 1; kill -KILL "$QEMU_PID" 2>/dev/null || true
  fi
  if [ -n "$NS" ] && ip netns list | grep -qw "$NS"; then ip netns del "$NS"; fi
  if [ "${SW_ADDED:-0}" = 1 ]; then ip addr del "$SW_IP/32" dev lo 2>/dev/null || true; fi
  rm -f "$WORK/state"
}

on_exit() {
  local rc=$?
  if [ "$KEEP" = 1 ] && [ -f "$WORK/state" ] && { [ "$MODE" = peer ] || kill -0 "$QEMU_PID" 2>/dev/null; }; then
    say "kept: guest and namespace $NS are up. More cases: ./dta interop --attach $WORK ; tear down: ./dta interop --down $WORK"
  else
    teardown
  fi
  exit "$rc"
}

# --- cases ----------------------------------------------------------------------------------------
run_case() {
  local name="$1" start=$SECONDS rc=0
  say "case $name..."
  "case_$name" || rc=$?
  if [ "$rc" = 0 ]; then
    RESULTS+=("PASS  $name ($((SECONDS - start)) s)")
    say "case $name: PASS ($((SECONDS - start)) s)"
  else
    RESULTS+=("FAIL  $name ($((SECONDS - start)) s): ${CASE_ERROR:-see $WORK/logs}")
    say "case $name: FAIL: ${CASE_ERROR:-see $WORK/logs}"
  fi
  CASE_ERROR=""
}

fail() { CASE_ERROR="$*"; say "  $*"; return 1; }

summary() {
  local failed=0 r
  # Decided here, not inside the pipeline below: an assignment there happens in a subshell and is lost.
  for r in "${RESULTS[@]}"; do case "$r" in FAIL*) failed=1 ;; esac; done
  {
    echo "interop suite: $((SECONDS - SUITE_START)) s, work directory $WORK"
    for r in "${RESULTS[@]}"; do echo "  $r"; done
    echo "measurements ($WORK/measurements.txt):"
    sed 's/^/  /' "$WORK/measurements.txt" 2>/dev/null || true
  } | tee "$WORK/summary.txt" >&2
  return "$failed"
}

# shellcheck source=interop/cases.sh
. "$HERE/cases.sh"

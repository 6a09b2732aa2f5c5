#!/bin/sh
# The interop guest's agent, run at boot from the 9p share (/mnt/dta) by the image's dta-share
# service. It brings the network and Soft-RoCE up, says so in ready, then runs the commands the
# host drops into cmd/: cmd/<n>.sh runs with its output in cmd/<n>.out and its exit code written
# last to cmd/<n>.rc. The file "poweroff" in the share (or a command that creates it) ends it.
SHARE=/mnt/dta
. "$SHARE/guest.env"       # GUEST_IP, HOST_IP, PREFIX (written by the harness)
say() { echo "guest: $*"; echo "guest: $*" > /dev/ttyS0; }

say "up after $(cut -d' ' -f1 /proc/uptime) s; kernel $(uname -r)"
# The NIC (eth0 with net.ifnames=0 on the kernel command line; else the first that is not lo).
# udev loads virtio_net in parallel with this unit: load it and wait for the interface.
modprobe virtio_net 2>/dev/null
for i in $(seq 1 60); do
  IF=eth0
  [ -e /sys/class/net/eth0 ] || IF=$(ls /sys/class/net | grep -v '^lo$' | head -n 1)
  [ -n "$IF" ] && break
  sleep 1
done
# Room for bursts while the emulated CPU is busy (rxe handles packets in softirq).
sysctl -q -w net.core.netdev_max_backlog=20000 net.core.rmem_max=16777216 2>/dev/null
ip link set lo up
ip link set "$IF" up
ip addr add "$GUEST_IP/$PREFIX" dev "$IF"
t0=$(cut -d' ' -f1 /proc/uptime)
modprobe rdma_rxe && modprobe rdma_ucm && rdma link add rxe0 type rxe netdev "$IF"
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
say "rxe: rc=$rc (modprobe + link add in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)"
for i in $(seq 1 60); do
  ibv_devinfo -d rxe0 2>/dev/null | grep -q PORT_ACTIVE && break
  sleep 1
done
ibv_devinfo -v -d rxe0 > "$SHARE/ibv_devinfo.txt" 2>&1
{ echo "kernel=$(uname -r)"; echo "rxe_rc=$rc"; echo "uptime=$(cut -d' ' -f1 /proc/uptime)"; } > "$SHARE/ready.tmp"
mv "$SHARE/ready.tmp" "$SHARE/ready"
say "ready"

mkdir -p "$SHARE/cmd"
while [ ! -e "$SHARE/poweroff" ]; do
  ran=0
  for f in "$SHARE"/cmd/*.sh; do
    [ -e "$f" ] || continue
    n="${f%.sh}"
    [ -e "$n.rc" ] || [ -e "$n.started" ] && continue
    : > "$n.started"
    ran=1
    ( sh "$f" > "$n.out" 2>&1; echo $? > "$n.rc.tmp"; mv "$n.rc.tmp" "$n.rc" ) &
  done
  [ "$ran" = 1 ] || sleep 0.3
done
say "poweroff requested"

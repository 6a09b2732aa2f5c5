#!/usr/bin/env bash
# A remote shell into the interop guest of a kept run, for peer mode (docs/interop.md, "Peer mode
# against the guest"): guest-shell.sh WORKDIR COMMAND runs the shell command COMMAND as root in the
# guest, with this script's stdin as its stdin, and prints its output (stdout and stderr together);
# exits with its exit code. It goes through the guest's agent (the 9p share), as ssh would go through
# sshd: `./dta interop --peer guest --peer-shell "interop/guest-shell.sh WORKDIR" ...`.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: guest-shell.sh WORKDIR COMMAND (WORKDIR: a run kept with ./dta interop --keep)" >&2; exit 2; }
work="$1"; shift
share="$work/share"
[ -d "$share/cmd" ] || { echo "guest-shell: $work is not the work directory of a kept interop run (no share/cmd)" >&2; exit 2; }
qemu="$(sed -n 's/^QEMU_PID=//p' "$work/state" 2>/dev/null)"
kill -0 "${qemu:-0}" 2>/dev/null || { echo "guest-shell: the guest of $work is not running" >&2; exit 2; }
n="$(date +%s%N)-shell"
cat > "$share/cmd/$n.in"
# The agent runs cmd/<n>.sh with sh and writes <n>.out, then <n>.rc (last).
printf 'exec < /mnt/dta/cmd/%s.in\n%s\n' "$n" "$*" > "$share/cmd/$n.sh.tmp"
mv "$share/cmd/$n.sh.tmp" "$share/cmd/$n.sh"
while [ ! -f "$share/cmd/$n.rc" ]; do
  kill -0 "$qemu" 2>/dev/null || { echo "guest-shell: the guest exited" >&2; exit 125; }
  sleep 0.2
done
cat "$share/cmd/$n.out"
rc="$(cat "$share/cmd/$n.rc")"
rm -f "$share/cmd/$n".*
exit "$rc"

#!/usr/bin/env bash
# Builds (or reuses) the interop guest image: Debian bookworm with the kernel's Soft-RoCE
# (rdma_rxe), rdma-core, a JDK copied from the host, and DiSNI's native library built from
# ../shared/vendor's source. Debian packages only. The image is cached under
# $DTA_INTEROP_CACHE (default /var/cache/dta-interop), keyed by a hash of this recipe.
# Usage: interop/image.sh            prints the image directory (disk.img, vmlinuz, initrd.img)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${DTA_INTEROP_CACHE:-/var/cache/dta-interop}"
MIRROR="${DTA_INTEROP_MIRROR:-http://deb.debian.org/debian}"
: "${JAVA_HOME:?JAVA_HOME must name a JDK >= 25 (the launcher sets it)}"
DISNI_TAR="${DTA_DISNI_SOURCE:-$HERE/../../shared/vendor/disni-2.0.tar.gz}"
[ -f "$DISNI_TAR" ] || DISNI_TAR=/work/shared/vendor/disni-2.0.tar.gz
[ -f "$DISNI_TAR" ] || { echo "image: DiSNI's source tarball not found (set DTA_DISNI_SOURCE)" >&2; exit 1; }

# What goes into the guest. Kernel + rxe, verbs tools, the toolchain to build libdisni (and C probes).
PACKAGES="systemd-sysv udev kmod procps iproute2 linux-image-amd64 rdma-core ibverbs-providers ibverbs-utils"
PACKAGES+=" rdmacm-utils perftest libibverbs-dev librdmacm-dev gcc g++ libc6-dev make autoconf automake libtool"
PACKAGES+=" tcpdump python3-minimal zstd"

log() { echo "image: $*" >&2; }

key="$( { cat "$HERE/image.sh" "$HERE"/guest/*; sha256sum < "$DISNI_TAR"; cat "$JAVA_HOME/release"; } \
        | sha256sum | cut -c1-16)"
out="$CACHE/image-$key"
mkdir -p "$CACHE"
exec 8>"$CACHE/build.lock"
flock 8   # one build per machine; a second caller waits and then reuses it
if [ -f "$out/ready" ]; then
  log "reusing $out"
  echo "$out"; exit 0
fi

work="$CACHE/build-$key"
tree="$work/tree"
cleanup() {
  for m in dev/pts dev proc sys; do umount -l "$tree/$m" 2>/dev/null || true; done
}
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work" "$CACHE/debs"
start=$SECONDS
log "debootstrap bookworm (minbase) into $tree (~4-5 min)..."
debootstrap --variant=minbase --cache-dir="$CACHE/debs" bookworm "$tree" "$MIRROR" > "$work/debootstrap.log" 2>&1 \
  || { tail -n 20 "$work/debootstrap.log" >&2; log "debootstrap failed; log: $work/debootstrap.log"; exit 1; }
log "debootstrap done in $((SECONDS - start)) s"

# A small initramfs: only what finds a virtio disk with ext4 (boots faster than MODULES=most).
mkdir -p "$tree/etc/initramfs-tools/conf.d"
echo MODULES=list > "$tree/etc/initramfs-tools/conf.d/dta.conf"
printf '%s\n' virtio_pci virtio_blk ext4 > "$tree/etc/initramfs-tools/modules"
echo "deb $MIRROR bookworm main" > "$tree/etc/apt/sources.list"
printf '%s\n' 'APT::Install-Recommends "false";' > "$tree/etc/apt/apt.conf.d/90dta"

mount -t proc proc "$tree/proc"; mount -t sysfs sys "$tree/sys"
mount --bind /dev "$tree/dev"; mount --bind /dev/pts "$tree/dev/pts"
log "installing the guest packages in the chroot (~2 min)..."
# shellcheck disable=SC2086 # a word list
chroot "$tree" /usr/bin/env DEBIAN_FRONTEND=noninteractive bash -c \
  "apt-get update -qq && apt-get install -y -qq $PACKAGES && apt-get clean" > "$work/apt.log" 2>&1 \
  || { tail -n 20 "$work/apt.log" >&2; log "apt in the chroot failed; log: $work/apt.log"; exit 1; }

log "copying the JDK ($JAVA_HOME) and building libdisni..."
mkdir -p "$tree/opt/jdk"
cp -a "$JAVA_HOME/." "$tree/opt/jdk/"
rm -f "$tree/opt/jdk/lib/src.zip"
mkdir -p "$tree/opt/disni-src"
tar xzf "$DISNI_TAR" -C "$tree/opt/disni-src" --strip-components=1
chroot "$tree" /bin/bash -c 'cd /opt/disni-src/libdisni && ./autoprepare.sh && ./configure --with-jdk=/opt/jdk \
  && make && mkdir -p /opt/disni/lib && cp -a src/.libs/libdisni.so* /opt/disni/lib/' > "$work/disni.log" 2>&1 \
  || { tail -n 20 "$work/disni.log" >&2; log "building libdisni failed; log: $work/disni.log"; exit 1; }
rm -rf "$tree/opt/disni-src"

# Boot: root on /dev/vda, no login, the 9p share drives the guest (guest/dta-share.service).
echo "/dev/vda / ext4 rw,relatime 0 1" > "$tree/etc/fstab"
echo dta-guest > "$tree/etc/hostname"
install -m 0755 "$HERE/guest/dta-share" "$tree/usr/local/sbin/dta-share"
install -m 0644 "$HERE/guest/dta-share.service" "$tree/etc/systemd/system/dta-share.service"
chroot "$tree" systemctl enable dta-share.service > /dev/null 2>&1
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer systemd-timesyncd.service \
            getty@tty1.service serial-getty@ttyS0.service; do
  ln -sf /dev/null "$tree/etc/systemd/system/$unit"
done
cleanup
cp "$tree"/boot/vmlinuz-* "$work/vmlinuz"
cp "$tree"/boot/initrd.img-* "$work/initrd.img"
size_mb=$(( $(du -sm "$tree" | cut -f1) + 1024 ))
log "making the ext4 image (${size_mb} MiB)..."
mkfs.ext4 -q -F -L dta-root -d "$tree" "$work/disk.img" "${size_mb}M"
rm -rf "$tree"
rm -rf "$out"; mv "$work" "$out"
# Older images of other recipes are not needed any more.
find "$CACHE" -maxdepth 1 -name 'image-*' ! -name "image-$key" -exec rm -rf {} +
touch "$out/ready"
log "image ready in $((SECONDS - start)) s: $out"
echo "$out"

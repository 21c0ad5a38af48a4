#!/usr/bin/env bash
# Installs the Debian packages Virtlab needs, once. QEMU (and its guest agent, used in
# the guest image) must come from bookworm-backports: bookworm's QEMU 7.2 corrupts busy
# guests on live migration and crashes on CPU re-plug under TCG (docs/QEMU-VERSIONS.md).
# The backports suite is added with the URI and keyring of the system's own bookworm
# entry, read at run time: no package host is written into this project.
set -euo pipefail

want_qemu_major=10
packages_backports=(qemu-system-x86 qemu-utils)
# gcc/libc6-dev/cpio/xz-utils/kmod/gzip/lz4: guest image build (guest/build-image.sh): static probe,
# initramfs (lz4), vmlinux extraction from the bzImage, modinfo for module dependencies.
# libglib2.0-0 .. libudev1: the shared libraries the guest's qemu-ga (bookworm-backports) is
# linked against; the image build copies them from the host (QEMU itself pulls them in too).
# chromium, fonts-liberation2: the lab's report test opens report.html in headless Chromium (driven by
# Playwright's bundled driver; 'playwright install' is never run) and screenshots it; Liberation Sans has Arial's
# metrics, which the report's plots are laid out with.
# etcd-server: the cluster tests start their own etcd members (3.4) on free 127.0.0.1 ports (docs/CLUSTER.md). Where
# the package's own service starts (systemd), it listens on 2379, which nothing of Virtlab's uses: it is left alone.
packages_stable=(gcc libc6-dev zlib1g-dev cpio xz-utils kmod gzip lz4 iproute2 iputils-ping procps
                 libglib2.0-0 libpcre2-8-0 libnuma1 liburing2 libudev1
                 chromium fonts-liberation2 etcd-server)

have_all() {
  command -v qemu-system-x86_64 >/dev/null || return 1
  local v; v=$(qemu-system-x86_64 --version | sed -n 's/^QEMU emulator version \([0-9]*\).*/\1/p')
  [ "${v:-0}" -ge "$want_qemu_major" ] || return 1
  command -v chromium >/dev/null || return 1
  for p in "${packages_stable[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || return 1; done
}

if have_all; then exit 0; fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Find the system's bookworm entry (deb822 or one-line format).
uri="" keyring=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  uri=$(awk '/^URIs:/{u=$2} /^Suites:/{ if ($0 ~ /bookworm( |$)/) { print u; exit } }' /etc/apt/sources.list.d/debian.sources)
  keyring=$(awk '/^Suites:/{s=($0 ~ /bookworm( |$)/)} s && /^Signed-By:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
  uri=$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list)
fi
if [ -z "$uri" ]; then
  echo "install-deps: cannot find a 'bookworm' entry in the apt sources; add bookworm-backports yourself" >&2
  exit 1
fi
keyring=${keyring:-/usr/share/keyrings/debian-archive-keyring.gpg}

if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "install-deps: adding the bookworm-backports suite ($uri)"
  $SUDO tee /etc/apt/sources.list.d/virtlab-backports.sources >/dev/null <<SRC
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: $keyring
SRC
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${packages_stable[@]}"
$SUDO apt-get install -y -q --no-install-recommends -t bookworm-backports "${packages_backports[@]}"
qemu-system-x86_64 --version | head -1

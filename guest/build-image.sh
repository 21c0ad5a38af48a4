#!/usr/bin/env bash
# Builds Virtlab's default guest image from Debian packages (docs/GUEST-IMAGE.md):
#   vmlinux     uncompressed kernel ELF (PVH direct boot: -kernel vmlinux, ~2 s faster under TCG)
#   vmlinuz     the package's bzImage (fallback: SeaBIOS + decompressor)
#   initrd.img  lz4-compressed (legacy format) newc cpio: busybox, virtio modules, qemu-ga + its
#               libraries, /init, virtlab-probe. lz4, not gzip: under TCG the kernel inflates
#               the gzip'd cpio in ~0.3 s of guest CPU, lz4 in a fraction (docs/GUEST-IMAGE.md)
#   virtlab-probe  the same static probe binary, for the lab's host world (docs/LAB.md)
#   manifest.json
# into ${VIRTLAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/virtlab}/images/<key>/ and points
# images/default at it. <key> is the first 16 hex digits of a sha256 over the package versions
# (kernel, busybox-static, qemu-guest-agent) and the contents of this script, guest/init and
# guest/probe/*.c and *.h. An image dir with a manifest.json is complete and is not rebuilt.
#
# Usage: guest/build-image.sh               build if needed; the image dir is stdout's last line
#        guest/build-image.sh --print-dir   print the image dir; exit 0 if built, 1 if not
# Progress goes to stderr. Packages come from apt (`apt-get download` + `dpkg-deb -x`); the
# tools come from scripts/install-deps.sh.
set -euo pipefail
export PATH="$PATH:/usr/sbin:/sbin"   # modinfo lives there; not in a user's PATH on Debian

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
script_file="$here/build-image.sh"
init_file="$here/init"
probe_dir="$here/probe"

cache_root=${VIRTLAB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/virtlab}
images_dir="$cache_root/images"

# qemu-ga must match the host QEMU: bookworm-backports (QEMU 10.0). If the host's
# qemu-system-x86 version is offered for qemu-guest-agent too, that version is taken.
qga_suite=${VIRTLAB_QGA_SUITE:-bookworm-backports}

# Kernel modules the guest loads, in this order; each module's depends= (modinfo) is resolved
# at build time and dependencies not built into the kernel are inserted before it.
# button + evdev: the ACPI power button as an input device, for busybox acpid.
wanted_modules=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci
                virtio_console virtio_balloon virtio_mem virtio_net virtio-rng button evdev)

log() { echo "build-image: $*" >&2; }
die() { echo "build-image: error: $*" >&2; exit 1; }

mode=build
case "${1:-}" in
  "") ;;
  --print-dir) mode=print-dir ;;
  -h|--help) sed -n '2,16p' "$script_file" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument '$1' (try --help)" ;;
esac

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# ---- package versions --------------------------------------------------------------------------
# apt-cache rebuilds its cache on every call here (~1 s each: Dir::Cache::pkgcache is off on
# these machines), so the answer is memoised against the state of the apt lists and dpkg.
apt_state_fingerprint() {
  # shellcheck disable=SC2012
  { stat -c '%n %s %Y' /var/lib/apt/lists/*Packages* /var/lib/dpkg/status 2>/dev/null
    ls -l --time-style=+%s /etc/apt/sources.list /etc/apt/sources.list.d \
          /etc/apt/preferences /etc/apt/preferences.d 2>/dev/null
    echo "$qga_suite"; } | sha256sum | cut -c1-16
}

# Prints "KERNEL_PACKAGE KERNEL_VERSION BUSYBOX_VERSION QGA_VERSION"; returns 1 if apt does not
# know one of them.
query_versions() {
  local kpkg host_qemu
  kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
         sed -n 's/^ *|\{0,1\}Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -1)
  [ -n "$kpkg" ] || return 1
  host_qemu=$(dpkg-query -W -f='${Version}' qemu-system-x86 2>/dev/null || true)
  apt-cache policy "$kpkg" busybox-static qemu-guest-agent 2>/dev/null |
    awk -v kpkg="$kpkg" -v suite="$qga_suite" -v hostq="$host_qemu" '
      /^[^ ].*:$/ { pkg = substr($0, 1, length($0) - 1); next }
      /^  Candidate:/ { cand[pkg] = $2; next }
      /^ +(\*\*\* )?[^ ]+ -?[0-9]+$/ { ver = $(NF - 1); if (ver == hostq) same[pkg] = ver; next }
      index($0, " " suite "/") { if (!(pkg in insuite)) insuite[pkg] = ver }
      END {
        q = ("qemu-guest-agent" in same) ? same["qemu-guest-agent"] : insuite["qemu-guest-agent"]
        k = cand[kpkg]; b = cand["busybox-static"]
        if (k == "" || k == "(none)" || b == "" || b == "(none)" || q == "") exit 1
        print kpkg, k, b, q
      }'
}

resolve_versions() {
  local fp memo line
  fp=$(apt_state_fingerprint)
  memo="$images_dir/.versions-$fp"
  if [ -s "$memo" ]; then cat "$memo"; return 0; fi
  if ! line=$(query_versions); then
    [ "$mode" = build ] || return 1
    log "apt does not know linux-image-amd64/busybox-static/qemu-guest-agent ($qga_suite): apt-get update"
    as_root apt-get update -q >&2 || die "apt-get update failed"
    fp=$(apt_state_fingerprint)
    memo="$images_dir/.versions-$fp"
    line=$(query_versions) || die "packages not found even after apt-get update; is $qga_suite in the apt sources? (scripts/install-deps.sh adds it)"
  fi
  mkdir -p "$images_dir"
  rm -f "$images_dir"/.versions-*
  printf '%s\n' "$line" >"$memo.$$" && mv -f "$memo.$$" "$memo"
  printf '%s\n' "$line"
}

mkdir -p "$images_dir" 2>/dev/null || true
if ! versions=$(resolve_versions); then
  echo "build-image: cannot resolve the package versions (apt lists missing?)" >&2
  exit 1
fi
read -r kernel_pkg kernel_version busybox_version qga_version <<<"$versions"
kernel_release=${kernel_pkg#linux-image-}

key=$( { printf 'kernel %s %s\nbusybox-static %s\nqemu-guest-agent %s\n' \
           "$kernel_pkg" "$kernel_version" "$busybox_version" "$qga_version"
         for f in "$script_file" "$init_file" "$probe_dir"/*.c "$probe_dir"/*.h; do [ -e "$f" ] && sha256sum <"$f"; done; } |
       sha256sum | cut -c1-16)
image_dir="$images_dir/$key"

is_complete() {
  [ -s "$1/manifest.json" ] && grep -q "\"key\": \"$key\"" "$1/manifest.json" &&
    [ -s "$1/vmlinux" ] && [ -s "$1/vmlinuz" ] && [ -s "$1/initrd.img" ] &&
    [ -x "$1/virtlab-probe" ]
}

point_default() {
  ln -sfn "$key" "$images_dir/.default.$$"
  mv -T "$images_dir/.default.$$" "$images_dir/default"
}

if [ "$mode" = print-dir ]; then
  echo "$image_dir"
  is_complete "$image_dir" && exit 0 || exit 1
fi

if is_complete "$image_dir"; then
  log "up to date: $image_dir"
  point_default
  echo "$image_dir"
  exit 0
fi

# ---- build -------------------------------------------------------------------------------------
for tool in apt-get dpkg-deb xz cpio gzip lz4 gcc modinfo ldd readelf sha256sum flock od; do
  command -v "$tool" >/dev/null || die "'$tool' is missing: run scripts/install-deps.sh"
done

exec 9>"$images_dir/.lock"
flock 9
if is_complete "$image_dir"; then   # another build finished it while we waited
  point_default
  echo "$image_dir"
  exit 0
fi

started=$(date +%s.%N)
work=$(mktemp -d "${TMPDIR:-/tmp}/virtlab-image.XXXXXX")
out="$images_dir/.build-$key-$$"
cleanup() { rm -rf "$work" "$out"; }
trap cleanup EXIT
mkdir -p "$out"
root="$work/root"
log "building $key: $kernel_pkg $kernel_version, busybox-static $busybox_version, qemu-guest-agent $qga_version"

# -- download and unpack (exact versions: never a wildcard, the kernel alone is 70 MB)
apt_opts=()
[ "$(id -u)" -eq 0 ] && apt_opts=(-o APT::Sandbox::User=root)
mkdir -p "$work/debs"
(cd "$work/debs" && apt-get download -q "${apt_opts[@]}" "$kernel_pkg=$kernel_version" \
   "busybox-static=$busybox_version" "qemu-guest-agent=$qga_version" >&2) ||
  die "apt-get download failed"
deb_of() { local f; f=$(ls "$work/debs/$1"_*.deb 2>/dev/null | head -1); [ -n "$f" ] || die "no .deb for $1"; echo "$f"; }
log "unpacking"
dpkg-deb -x "$(deb_of "$kernel_pkg")" "$work/kernel"
dpkg-deb -x "$(deb_of busybox-static)" "$work/busybox"
dpkg-deb -x "$(deb_of qemu-guest-agent)" "$work/qga"

# -- kernel: bzImage, and the vmlinux ELF inside it (xz stream after the setup code)
bzimage="$work/kernel/boot/vmlinuz-$kernel_release"
[ -s "$bzimage" ] || die "$bzimage not in $kernel_pkg"
cp "$bzimage" "$out/vmlinuz"
elf_magic() { od -An -tx1 -N4 "$1" 2>/dev/null | tr -d ' \n'; }
found_vmlinux=0
for off in $(LC_ALL=C grep -obUaP '\xFD7zXZ\x00' "$bzimage" | cut -d: -f1); do
  # The stream is followed by the decompressor's size field and padding: --single-stream
  # stops after the first stream and ignores them.
  tail -c +"$((off + 1))" "$bzimage" | xz -dc --single-stream >"$out/vmlinux" 2>/dev/null || true
  if [ "$(elf_magic "$out/vmlinux")" = 7f454c46 ]; then found_vmlinux=1; break; fi
done
[ "$found_vmlinux" = 1 ] || die "no xz-compressed ELF found in $bzimage"
log "vmlinux: $(stat -c %s "$out/vmlinux") bytes (xz stream at offset $off of the bzImage)"
# QEMU boots an ELF kernel directly only if it has the Xen PVH entry note
# (XEN_ELFNOTE_PHYS32_ENTRY = 18, CONFIG_PVH). binutils prints it as an unknown note type.
pvh_entry=false
if readelf -n "$out/vmlinux" 2>/dev/null | grep -Eq '^ *Xen .*\(0x00000012\)'; then
  pvh_entry=true
else
  log "warning: no PVH entry note found in vmlinux (manifest pvhEntry=false): boot vmlinuz instead"
fi

# -- modules, in dependency order
moddir="$work/kernel/lib/modules/$kernel_release"
[ -d "$moddir" ] || die "$moddir not in $kernel_pkg"
declare -A mod_path=() mod_state=()
while IFS= read -r -d '' f; do
  rel=${f#"$moddir/"}
  name=${f##*/}; name=${name%%.ko*}
  mod_path[${name//-/_}]=$rel
done < <(find "$moddir/kernel" -name '*.ko*' -print0)
is_builtin() { grep -q "/${1}.ko\$" "$moddir/modules.builtin" 2>/dev/null ||
               grep -q "/${1//_/-}.ko\$" "$moddir/modules.builtin" 2>/dev/null; }
module_order=()
visit() {   # depth-first: dependencies first
  local m=${1//-/_} dep
  case "${mod_state[$m]:-}" in done) return 0 ;; active) die "module dependency cycle at $m" ;; esac
  if [ -z "${mod_path[$m]:-}" ]; then
    is_builtin "$m" && { mod_state[$m]=done; return 0; }
    die "module $m is neither in $kernel_pkg nor built in"
  fi
  mod_state[$m]=active
  local ko="$moddir/${mod_path[$m]}"
  for dep in $(modinfo -F depends "$ko" | tr ',' ' '); do visit "$dep"; done
  mod_state[$m]=done
  module_order+=("$m")
}
for m in "${wanted_modules[@]}"; do visit "$m"; done
mkdir -p "$root/lib/modules/$kernel_release"
: >"$root/lib/modules/virtlab.order"
for m in "${module_order[@]}"; do
  rel=${mod_path[$m]}
  src="$moddir/$rel"
  dst_rel=${rel%.xz}; dst_rel=${dst_rel%.zst}; dst_rel=${dst_rel%.gz}
  mkdir -p "$(dirname "$root/lib/modules/$kernel_release/$dst_rel")"
  case "$rel" in
    *.ko.xz) xz -dc "$src" ;;
    *.ko.zst) zstd -dc "$src" ;;
    *.ko.gz) gzip -dc "$src" ;;
    *) cat "$src" ;;
  esac >"$root/lib/modules/$kernel_release/$dst_rel"
  echo "$dst_rel" >>"$root/lib/modules/virtlab.order"
done
log "modules: ${module_order[*]}"

# -- busybox: one symlink per applet at its usual path
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin}
cp "$work/busybox/bin/busybox" "$root/bin/busybox"
applets=0
while IFS= read -r applet; do
  [ -e "$root/$applet" ] || [ -L "$root/$applet" ] && continue
  mkdir -p "$(dirname "$root/$applet")"
  ln -s /bin/busybox "$root/$applet"
  applets=$((applets + 1))
done < <("$root/bin/busybox" --list-full)
log "busybox: $applets applets"

# -- qemu-ga and the shared libraries it is linked against (from the host, same paths)
cp "$work/qga/usr/sbin/qemu-ga" "$root/usr/sbin/qemu-ga"
libs=$(ldd "$root/usr/sbin/qemu-ga") || die "ldd qemu-ga failed"
if grep -q 'not found' <<<"$libs"; then
  die "qemu-ga needs libraries this host lacks (run scripts/install-deps.sh):
$(grep 'not found' <<<"$libs")"
fi
for lib in $(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$libs"); do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
mkdir -p "$root/etc/qemu"

# -- the probe
mkdir -p "$root/usr/bin"
gcc -std=c99 -static -O2 -s -Wall -Wextra -I"$probe_dir" -o "$root/usr/bin/virtlab-probe" "$probe_dir"/*.c
# The lab runs the same binary on this machine (its host world): a copy beside the image.
install -m 0755 "$root/usr/bin/virtlab-probe" "$out/virtlab-probe"

# -- /init, /etc, helpers
install -m 0755 "$init_file" "$root/init"
mkdir -p "$root"/{dev,proc,sys,run,tmp,root,mnt,var,etc/acpi/PWRF,usr/lib}
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"
cp -L /etc/os-release "$root/usr/lib/os-release"
ln -s ../usr/lib/os-release "$root/etc/os-release"
[ -f /etc/debian_version ] && cp -L /etc/debian_version "$root/etc/debian_version"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$root/etc/group"
echo virtlab-guest >"$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\tvirtlab-guest\n' >"$root/etc/hosts"
printf '/dev/root / rootfs rw 0 0\n' >"$root/etc/fstab"
# busybox acpid runs /etc/acpi/PWRF/00000080 for KEY_POWER (ACPI power button).
cat >"$root/etc/acpi/PWRF/00000080" <<'EOF'
#!/bin/sh
# ACPI power button (QMP system_powerdown): ask /init (PID 1) to power off.
exec kill -USR2 1
EOF
chmod 0755 "$root/etc/acpi/PWRF/00000080"
# qemu-ga's guest-shutdown runs `/sbin/shutdown -h -P|-H|-r +0 MESSAGE`.
cat >"$root/sbin/shutdown" <<'EOF'
#!/bin/sh
# Minimal shutdown(8) for the Virtlab guest: -r reboot, -H halt, otherwise power off.
# /init (PID 1) does the work: SIGTERM reboot, SIGUSR1 halt, SIGUSR2 power off.
sig=USR2
for a in "$@"; do
  case "$a" in
    -r|--reboot) sig=TERM ;;
    -H|--halt) sig=USR1 ;;
    -P|--poweroff) sig=USR2 ;;
  esac
done
exec kill -"$sig" 1
EOF
chmod 0755 "$root/sbin/shutdown"
if [ "$(id -u)" -eq 0 ]; then
  mknod -m 600 "$root/dev/console" c 5 1
  mknod -m 666 "$root/dev/null" c 1 3
fi  # (as non-root the kernel's built-in initramfs still provides /dev/console)

# -- initramfs
# lz4 in the legacy frame format (-l), the one the kernel's unpacker reads (CONFIG_RD_LZ4=y in
# Debian's kernel): 15 % bigger than gzip -9, but unpacked several times faster under TCG.
log "packing initrd.img"
(cd "$root" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
   cpio --null -o -H newc --owner=0:0 --quiet) | lz4 -l -9 -q >"$out/initrd.img"

# -- manifest (written last: its presence marks the image complete)
file_entry() { printf '"%s": {"bytes": %s, "sha256": "%s"}' "$1" "$(stat -c %s "$out/$1")" \
                 "$(sha256sum <"$out/$1" | cut -d' ' -f1)"; }
modules_json=$(printf '"%s", ' "${module_order[@]}"); modules_json="[${modules_json%, }]"
built_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)
build_seconds=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
cat >"$out/manifest.json.tmp" <<EOF
{
  "key": "$key",
  "kernelRelease": "$kernel_release",
  "kernelPackage": "$kernel_pkg",
  "kernelPackageVersion": "$kernel_version",
  "qemuGuestAgentVersion": "$qga_version",
  "busyboxVersion": "$busybox_version",
  "pvhEntry": $pvh_entry,
  "probeVersion": 2,
  "initrdCompression": "lz4-legacy",
  "modules": $modules_json,
  "builtAt": "$built_at",
  "buildSeconds": $build_seconds,
  "files": {
    $(file_entry vmlinux),
    $(file_entry vmlinuz),
    $(file_entry initrd.img),
    $(file_entry virtlab-probe)
  }
}
EOF
mv "$out/manifest.json.tmp" "$out/manifest.json"

rm -rf "$image_dir"   # an incomplete leftover
mv -T "$out" "$image_dir"
point_default
log "done in ${build_seconds}s: initrd.img $(stat -c %s "$image_dir/initrd.img") bytes"
echo "$image_dir"

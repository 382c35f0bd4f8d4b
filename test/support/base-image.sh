#!/usr/bin/env bash
# Makes the Dockerfile's default base image (its `ARG NODE_IMAGE=` value, node:20-bookworm-slim)
# on an engine that cannot pull it from Docker Hub, as CI here cannot: a Debian root from
# debootstrap (minbase; this machine's suite and apt mirror) plus Node from the npm registry's
# node-linux-<arch> package and npm from the npm package, laid out as the official image is:
# /usr/local/bin/node, npm and npx, and a user `node` (1000:1000). The root trusts the CAs this
# machine trusts (its /etc/ssl/certs bundle), so npm in a build reaches the registry as it does here.
#
#   DOCKER_HOST=unix:///tmp/…/docker.sock test/support/base-image.sh [TAG]
#
# DOCKER_HOST must be set: the image goes to the engine it names, never to a default one by accident.
# An engine that already has TAG is left alone. The finished root is kept as a tarball in
# DOCKBOT_BASE_CACHE (default ~/.cache/dockbot/base-image), keyed by suite, mirror, architecture,
# Node and npm versions, the CA bundle and this script, so a later run only imports it (DOCKBOT_BASE_REBUILD=1
# makes it anew). Downloaded .deb and npm tarballs are kept there too.
#
# Settings: NODE_VERSION (default: `node --version` of this machine), NPM_VERSION (default 10.8.2,
# the npm that Node 20 ships), DEBIAN_SUITE and DEBIAN_MIRROR (default: from /etc/os-release and
# /etc/apt/sources*). Each phase's seconds go to stderr as `base-image: PHASE N.N s`.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

die() { echo "base-image: $*" >&2; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" -v what="$2" 'BEGIN { printf "base-image: %s %.1f s\n", what, b - a }' >&2; }

[ -n "${DOCKER_HOST:-}" ] || die "set DOCKER_HOST to the engine that gets the image (unix:///path/docker.sock)"
tag="${1:-$(sed -n 's/^ARG NODE_IMAGE=\([^[:space:]]*\).*/\1/p' "$repo/Dockerfile" | awk 'NR == 1')}"
[ -n "$tag" ] || die "no TAG given and no 'ARG NODE_IMAGE=' default in $repo/Dockerfile"

if [ "${DOCKBOT_BASE_REBUILD:-}" != 1 ] && docker image inspect "$tag" >/dev/null 2>&1; then
  echo "base-image: $tag is already on the engine" >&2
  exit 0
fi

[ "$(id -u)" = 0 ] || die "debootstrap and chroot need root"
command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || die "debootstrap is not installed (apt-get install debootstrap)"
PATH="$PATH:/usr/sbin:/sbin"

# What to make: this machine's Debian suite and mirror, this machine's Node.
node_version="${NODE_VERSION:-$(node --version)}"
node_version="${node_version#v}"
npm_version="${NPM_VERSION:-10.8.2}"
suite="${DEBIAN_SUITE:-$(. /etc/os-release && echo "${VERSION_CODENAME:-}")}"
[ -n "$suite" ] || die "cannot tell the Debian suite from /etc/os-release; set DEBIAN_SUITE"
arch="$(dpkg --print-architecture)"
case "$arch" in
  amd64) node_arch=x64 ;;
  arm64) node_arch=arm64 ;;
  *) die "no node-linux package for $arch" ;;
esac

# The first mirror in apt's sources that serves the suite itself (not -updates or -security):
# deb822 stanzas (*.sources) and one-line entries (sources.list, *.list).
find_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk -v suite="$suite" '
      function flush() { if (uris != "" && types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ")) { split(uris, u, " "); print u[1]; found = 1; exit } uris = suites = types = "" }
      /^[[:space:]]*$/ { flush(); next }
      /^URIs:/ { sub(/^URIs:[[:space:]]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
      /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0 }
      END { if (!found) flush() }' "$f"
  done
  cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    sed -e 's/\[[^]]*\]//' | awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2 }'
}
mirror="${DEBIAN_MIRROR:-$( (find_mirror 2>/dev/null || true) | awk 'NR == 1')}"
[ -n "$mirror" ] || die "no apt source for $suite in /etc/apt/sources*; set DEBIAN_MIRROR"

host_ca=/etc/ssl/certs/ca-certificates.crt

cache="${DOCKBOT_BASE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dockbot/base-image}"
mkdir -p "$cache/debs" "$cache/npm"
key="$(printf '%s\n' "$suite" "$mirror" "$arch" "$node_version" "$npm_version" "$(sha256sum "$0")" "$(sha256sum "$host_ca" 2>/dev/null)" | sha256sum | cut -c1-16)"
rootfs_tar="$cache/rootfs-$suite-node$node_version-$key.tar"

if [ "${DOCKBOT_BASE_REBUILD:-}" = 1 ] || [ ! -s "$rootfs_tar" ]; then
  # On tmpfs when there is room: dpkg's many fsyncs cost nothing there.
  parent=/dev/shm
  [ -w "$parent" ] && [ "$(df --output=avail -k "$parent" | tail -n1)" -gt 1048576 ] || parent="${TMPDIR:-/tmp}"
  work="$(mktemp -d "$parent/dockbot-base.XXXXXX")"
  # debootstrap mounts /proc and /sys in the root while it runs; never delete through a mount.
  unmount_under() { grep -o " $1/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true; }
  cleanup() {
    unmount_under "$work"
    rm -rf "$work"
  }
  trap cleanup EXIT
  root="$work/root"

  t="$(now)"
  # A mirror that drops downloads now and then gets two more tries; what came down is kept in the cache.
  for try in 1 2 3; do
    debootstrap --variant=minbase --arch="$arch" --cache-dir="$cache/debs" "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 && break
    failure="$(tail -n 8 "$work/debootstrap.log"; tail -n 12 "$root/debootstrap/debootstrap.log" 2>/dev/null)"
    [ "$try" = 3 ] && die "debootstrap $suite from $mirror failed 3 times:"$'\n'"$failure"
    echo "base-image: debootstrap failed (try $try), trying again: $(tail -n 1 "$work/debootstrap.log")" >&2
    unmount_under "$root"
    rm -rf "$root"
    sleep 10
  done
  took "$t" "debootstrap ($suite from $mirror)"

  t="$(now)"
  (cd "$cache/npm" && for pkg in "node-linux-$node_arch@$node_version" "npm@$npm_version"; do
    file="${pkg%@*}-${pkg##*@}.tgz"
    [ -s "$file" ] || { npm pack --silent --pack-destination "$work" "$pkg" >/dev/null && mv "$work/$file" "$file"; }
    [ -s "$file" ] || die "npm pack $pkg gave no $file"
  done)
  mkdir -p "$work/node" "$root/usr/local/bin" "$root/usr/local/lib/node_modules/npm"
  tar -xzf "$cache/npm/node-linux-$node_arch-$node_version.tgz" -C "$work/node" package/bin/node package/LICENSE
  install -m 0755 "$work/node/package/bin/node" "$root/usr/local/bin/node"
  install -D -m 0644 "$work/node/package/LICENSE" "$root/usr/local/share/doc/node/LICENSE"
  tar -xzf "$cache/npm/npm-$npm_version.tgz" --strip-components=1 --no-same-owner -C "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  # The root trusts what this machine trusts: npm behind a TLS-inspecting proxy or a company CA
  # then works in the image as it does here (Node reads the bundle through NODE_EXTRA_CA_CERTS).
  if [ -s "$host_ca" ]; then
    mkdir -p "$root/etc/ssl/certs"
    cp "$host_ca" "$root/etc/ssl/certs/ca-certificates.crt"
  fi
  chroot "$root" groupadd --gid 1000 node
  chroot "$root" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  [ "$(chroot "$root" /usr/local/bin/node --version)" = "v$node_version" ] || die "node in the new root does not run"
  chroot "$root" /usr/local/bin/npm --version >/dev/null || die "npm in the new root does not run"
  # What an image needs no copy of: downloaded packages, apt lists, docs, man pages, translations.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
    "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/* "$root"/var/log/*.log "$root"/dev/*
  tar --numeric-owner -C "$root" -cf "$rootfs_tar.part" .
  rm -f "$cache"/rootfs-*.tar # roots made from other inputs
  mv "$rootfs_tar.part" "$rootfs_tar"
  took "$t" "node $node_version and npm $npm_version added"
else
  echo "base-image: using the root made before ($rootfs_tar)" >&2
fi

ca_env=""
[ -s "$host_ca" ] && ca_env=/etc/ssl/certs/ca-certificates.crt
t="$(now)"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=$node_version" \
  ${ca_env:+--change "ENV NODE_EXTRA_CA_CERTS=$ca_env"} \
  --change 'LABEL dockbot.base-image=debootstrap' \
  --change 'CMD ["node"]' \
  --message "debootstrap $suite minbase + node $node_version + npm $npm_version" \
  "$rootfs_tar" "$tag" >/dev/null
took "$t" "docker import as $tag"

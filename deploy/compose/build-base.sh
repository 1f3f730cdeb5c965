#!/usr/bin/env bash
# Build the base image from Debian's packages alone (no image registry needed): debootstrap a
# minimal bookworm with Python 3.11 and venv, then `docker import` it as $BASE_TAG.
# An image with that tag built by this same script is reused (FORCE=1 rebuilds it anyway).
set -euo pipefail
BASE_TAG=${BASE_TAG:-pairing-base:bookworm}
SUITE=${SUITE:-bookworm}

# A second tag names this script's hash: a changed recipe builds a new image.
recipe_tag="${BASE_TAG%%:*}:recipe-$(sha256sum "$0" | cut -c1-12)"
if [[ ${FORCE:-0} != 1 ]] && docker image inspect "$recipe_tag" >/dev/null 2>&1; then
  docker tag "$recipe_tag" "$BASE_TAG"
  echo "base image $BASE_TAG exists ($recipe_tag): reused"
  exit 0
fi
command -v debootstrap >/dev/null || {
  echo "debootstrap is missing: apt-get install debootstrap" >&2
  exit 1
}

# The mirror this machine's apt uses (deb822 .sources first, then the one-line format).
mirror=${MIRROR:-$(
  { grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}'
    grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '{print $2}'
  } | grep -v -- '-security' | head -1 || true
)}
mirror=${mirror:-http://deb.debian.org/debian}
security=${SECURITY_MIRROR:-${mirror%/debian}/debian-security}

root=$(mktemp -d /var/tmp/pairing-base.XXXXXX)
# On a tmpfs of its own when we may mount one (root): dpkg syncs every file it unpacks, which on a
# busy disk makes debootstrap several times slower; in memory a sync costs nothing (~250 MB).
mounted=
mount -t tmpfs -o size=2g,mode=755 tmpfs "$root" 2>/dev/null && mounted=1
trap '[[ -n $mounted ]] && umount "$root"; rm -rf "$root"' EXIT
echo "debootstrap $SUITE from $mirror into $root${mounted:+ (tmpfs)}"
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
  "$SUITE" "$root" "$mirror" >"$root.log" 2>&1 || {
  tail -20 "$root.log" >&2
  rm -f "$root.log"
  exit 1
}
rm -f "$root.log"
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror $SUITE main
deb $mirror $SUITE-updates main
deb $security $SUITE-security main
SOURCES
# As the official slim images do: no cached packages or indexes, no docs, no recommends.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc/* \
  "$root"/usr/share/man/*
# As Debian's official images do: dpkg inside an image build need not sync each file it writes.
echo force-unsafe-io >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\n' \
  >"$root/etc/apt/apt.conf.d/90pairing-no-recommends"
tar -C "$root" --numeric-owner -c . |
  docker import \
    --change 'ENV LANG=C.UTF-8 PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $SUITE from $mirror" - "$BASE_TAG"
docker tag "$BASE_TAG" "$recipe_tag"
echo "base image $BASE_TAG built ($recipe_tag)"

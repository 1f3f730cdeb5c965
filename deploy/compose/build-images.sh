#!/usr/bin/env bash
# Build the stack's three images (pairing:latest, pairing-postgres:15, pairing-redis:7) on
# BASE_IMAGE: the public images by default, or BASE_IMAGE=pairing-base:bookworm, which this script
# first builds from Debian's packages (build-base.sh) unless it exists.
# Builds run on the host's network with BuildKit; the CA bundle pip's `cert` setting names (this
# machine's, which holds a TLS-inspecting proxy's CA) goes in as the build secret `ca_bundle`.
# Why not `docker-compose build`: compose v1 passes no build secrets.
set -euo pipefail
cd "$(dirname "$0")/../.."
BASE_IMAGE=${BASE_IMAGE:-}
logs=${COMPOSE_LOG_DIR:-$(mktemp -d /tmp/pairing-compose-build.XXXXXX)}
mkdir -p "$logs"

# A client that can build with BuildKit: one with the buildx plugin, else Debian's docker.io
# client (20.10, BuildKit built in). A docker 23+ client without buildx cannot.
if docker buildx version >/dev/null 2>&1; then
  builder=(docker build)
elif [[ -x /usr/bin/docker ]] && /usr/bin/docker --version | grep -q ' 20\.'; then
  builder=(/usr/bin/docker build)
else
  echo "no docker client here builds with BuildKit: install the buildx plugin or docker.io" >&2
  exit 1
fi

ca_bundle=${CA_BUNDLE:-$(
  { pip config list || python3 -m pip config list; } 2>/dev/null |
    sed -n "s/^[^=]*\.cert='\(.*\)'$/\1/p" | head -1 || true
)}
ca_bundle=${ca_bundle:-${PIP_CERT:-/etc/ssl/certs/ca-certificates.crt}}
build_opts=()
[[ -s $ca_bundle ]] && build_opts=(--secret "id=ca_bundle,src=$ca_bundle")
# A proxy named in the environment or in apt's settings goes in too (Docker passes these build
# arguments to RUN without an ARG line). This machine names none: its proxy is transparent.
apt_proxy=$(apt-config dump 2>/dev/null | sed -n 's/^Acquire::http::Proxy "\(.*\)";$/\1/p' | head -1 || true)
[[ -n $apt_proxy && -z ${http_proxy:-${HTTP_PROXY:-}} ]] && export http_proxy=$apt_proxy
for name in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  [[ -n ${!name:-} ]] && build_opts+=(--build-arg "$name=${!name}")
done

if [[ $BASE_IMAGE == pairing-base:* ]]; then
  BASE_TAG=$BASE_IMAGE deploy/compose/build-base.sh
fi
app_base=${BASE_IMAGE:-python:3.11-slim}
db_base=${BASE_IMAGE:-debian:bookworm-slim}

build() { # tag base context log
  if ! DOCKER_BUILDKIT=1 "${builder[@]}" --progress plain --network host "${build_opts[@]}" \
    --build-arg "BASE_IMAGE=$2" -t "$1" "$3" >"$logs/$4.log" 2>&1; then
    echo "building $1 failed; the end of $logs/$4.log:" >&2
    tail -25 "$logs/$4.log" >&2
    return 1
  fi
  echo "built $1 on $2"
}
# In parallel: pip's downloads and apt's overlap.
build pairing-postgres:15 "$db_base" deploy/compose/postgres postgres &
pg=$!
build pairing-redis:7 "$db_base" deploy/compose/redis redis &
rd=$!
status=0
build pairing:latest "$app_base" . app || status=1
wait $pg || status=1
wait $rd || status=1
exit $status

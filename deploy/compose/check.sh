#!/usr/bin/env bash
# `make compose-check`: the compose stack built and run for real, as CI runs it.
# Installs Docker's engine (Debian's docker.io) if missing and starts it if it is not running (as
# root, with no bridge and no iptables: every container uses the host's network), builds the
# images (build-images.sh; on the debootstrapped base unless BASE_IMAGE says otherwise), brings
# the stack up on ports of its own, waits for /healthz, seeds a small demo, logs in as a demo user
# and opens a page that needs the login (smoke.py). The stack always comes down again, volumes
# included, and an engine this script started is stopped. Any step that cannot run fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
export BASE_IMAGE=${BASE_IMAGE:-pairing-base:bookworm}
export POSTGRES_PORT=${POSTGRES_PORT:-5433} REDIS_PORT=${REDIS_PORT:-6380} WEB_PORT=${WEB_PORT:-8090}
# Two gunicorn workers are plenty for one login, and boot sooner on a busy machine.
export WEB_WORKERS=${WEB_WORKERS:-2}
project=${COMPOSE_PROJECT:-pairing-check}
logs=${COMPOSE_LOG_DIR:-/tmp/pairing-compose-check}
mkdir -p "$logs"
export COMPOSE_LOG_DIR=$logs
compose=(docker-compose -p "$project" -f docker-compose.yml)
started=$SECONDS
t() { printf '[compose-check %3ds] %s\n' $((SECONDS - started)) "$*"; }

# Secrets of this run only (the stack's volumes go with it).
SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
POSTGRES_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
APP_DB_PASSWORD=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
export SECRET_KEY POSTGRES_PASSWORD APP_DB_PASSWORD

missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v docker-compose >/dev/null || missing+=(docker-compose)
[[ $BASE_IMAGE == pairing-base:* ]] && ! command -v debootstrap >/dev/null && missing+=(debootstrap)
if ((${#missing[@]})); then
  t "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=300 "${missing[@]}" >"$logs/apt.log" 2>&1 ||
    { tail -20 "$logs/apt.log" >&2; exit 1; }
fi

dockerd_pid=
cleanup() {
  local status=$?
  set +e
  if [[ -n ${stack_up:-} ]]; then
    if ((status != 0)); then
      echo "--- the stack's last log lines ---" >&2
      "${compose[@]}" ps >&2
      "${compose[@]}" logs --no-color --tail 40 >&2
    fi
    t "taking the stack down"
    "${compose[@]}" down -v --remove-orphans >"$logs/down.log" 2>&1 || cat "$logs/down.log" >&2
  fi
  if [[ -n $dockerd_pid ]] && kill -0 "$dockerd_pid" 2>/dev/null; then
    t "stopping the engine this check started (pid $dockerd_pid)"
    kill "$dockerd_pid" && for _ in $(seq 60); do kill -0 "$dockerd_pid" 2>/dev/null || break; sleep 0.5; done
  fi
  ((status == 0)) && t "passed" || t "FAILED (exit $status)"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! docker info >/dev/null 2>&1; then
  t "starting dockerd (log: $logs/dockerd.log)"
  dockerd --bridge=none --iptables=false >"$logs/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 60); do
    docker info >/dev/null 2>&1 && break
    kill -0 "$dockerd_pid" 2>/dev/null || break
    sleep 0.5
  done
  if ! docker info >/dev/null 2>&1; then
    echo "Docker's engine did not start; the end of $logs/dockerd.log:" >&2
    tail -20 "$logs/dockerd.log" >&2
    exit 1
  fi
fi
t "docker-compose.yml: $("${compose[@]}" config -q && echo valid)"
t "engine $(docker version --format '{{.Server.Version}}'), $(docker-compose version --short 2>/dev/null || docker-compose --version)"

# A stack an interrupted run left behind (killed before its trap ran) would hold the ports.
"${compose[@]}" down -v --remove-orphans >"$logs/down.log" 2>&1 || true
for port in "$POSTGRES_PORT" "$REDIS_PORT" "$WEB_PORT"; do
  python3 -c 'import socket, sys; socket.create_server(("127.0.0.1", int(sys.argv[1]))).close()' \
    "$port" 2>/dev/null || { echo "port $port on 127.0.0.1 is taken: set POSTGRES_PORT, REDIS_PORT or WEB_PORT" >&2; exit 1; }
done

t "building the images on $BASE_IMAGE"
deploy/compose/build-images.sh

t "bringing the stack up"
stack_up=1
"${compose[@]}" up -d --no-build >"$logs/up.log" 2>&1 || { cat "$logs/up.log" >&2; exit 1; }

# `up` returned after the migrations ran (the web waits for them), so the demo can be seeded while
# the web boots: in the background, waited for below.
t "seeding a small demo province (log: $logs/seed.log), meanwhile"
"${compose[@]}" exec -T web python manage.py seed_demo --enterprises 400 --cadres 120 --towns 8 \
  --tickets 50 >"$logs/seed.log" 2>&1 &
seed_pid=$!

t "waiting for the web's health (http://127.0.0.1:$WEB_PORT/healthz)"
health_ok() {
  python3 - "$WEB_PORT" >"$logs/healthz.json" 2>&1 <<'PY'
import sys, urllib.request
with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/healthz", timeout=3) as r:
    print(r.read().decode())
PY
}
for _ in $(seq 180); do
  health_ok && break
  sleep 1
done
health_ok || { echo "/healthz is not ok after 3 minutes:" >&2; tail -3 "$logs/healthz.json" >&2; exit 1; }
t "healthy: $(cat "$logs/healthz.json")"

wait "$seed_pid" || { echo "seed_demo failed:" >&2; tail -20 "$logs/seed.log" >&2; exit 1; }
t "seeded: $(tail -1 "$logs/seed.log")"
"${compose[@]}" exec -T web python manage.py demo_logins >"$logs/logins.txt"
password=$(sed -n 's/.*密码均为 \([^）]*\)）.*/\1/p' "$logs/logins.txt" | head -1)
user=$(grep -o 'demo_[a-z_0-9]*' "$logs/logins.txt" | head -1)
[[ -n $password && -n $user ]] || { cat "$logs/logins.txt" >&2; echo "no demo login printed" >&2; exit 1; }

t "logging in as $user"
python3 deploy/compose/smoke.py "http://127.0.0.1:$WEB_PORT" "$user" "$password"

#!/bin/bash
# First start (empty $PGDATA): initdb with the owner role POSTGRES_USER and its password, create
# POSTGRES_DB, run /docker-entrypoint-initdb.d/*.sh against it (as the official image does), then
# serve. Connections over TCP need the password (scram-sha-256); the socket inside the container
# trusts its own user, for the init scripts and the health check.
set -euo pipefail
: "${POSTGRES_USER:?}" "${POSTGRES_PASSWORD:?}" "${POSTGRES_DB:?}"
port=${POSTGRES_PORT:-5433}
if [[ ! -s $PGDATA/PG_VERSION ]]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  initdb -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p $port" -w start >/dev/null
  export PGPORT=$port PGHOST=/run/postgresql
  createdb -U "$POSTGRES_USER" "$POSTGRES_DB"
  for script in /docker-entrypoint-initdb.d/*.sh; do
    [[ -e $script ]] && bash "$script"
  done
  pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  echo "database $POSTGRES_DB initialised"
fi
exec postgres -D "$PGDATA" -p "$port" -c listen_addresses="${POSTGRES_LISTEN:-127.0.0.1}" \
  -c unix_socket_directories=/run/postgresql

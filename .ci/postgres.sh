#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the JDBC history contract test and prints the settings to
# export, e.g.:   eval "$(.ci/postgres.sh)" && mvn -B verify     (then: .ci/postgres.sh stop)
# Installs the Debian postgresql package when no server is present. Needs no Docker.
set -euo pipefail

PORT="${HUBBUB_PG_PORT:-55432}"
DATA="${HUBBUB_PG_DATA:-/tmp/hubbub-pg}"
DB=hubbub
USER_NAME=hubbub

log() { echo "postgres.sh: $*" >&2; }

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

BIN="$(find_bin)"
if [ -z "$BIN" ] || [ ! -x "$BIN/pg_ctl" ]; then
  log "installing postgresql"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
  BIN="$(find_bin)"
fi

# The server refuses to run as root: use the postgres account then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# down: stop the server but keep the cluster (a test's outage); start again with no argument (or "up").
if [ "${1:-start}" = "down" ]; then
  as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2
  exit 0
fi

if [ "${1:-start}" = "stop" ]; then
  if [ -f "$DATA/PG_VERSION" ]; then as_owner "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >&2 || true; fi
  rm -rf "$DATA"
  exit 0
fi

if [ ! -f "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$DATA"
  chmod 700 "$DATA"
  as_owner "$BIN/initdb" -D "$DATA" -U "$USER_NAME" --auth=trust -E UTF8 --locale=C.UTF-8 >&2
fi

if ! as_owner "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  # Throwaway data: no fsync, sockets in the data dir, loopback only.
  as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w -t 60 \
    -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >&2
fi

if ! as_owner "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  as_owner "$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" "$DB" >&2
fi

log "PostgreSQL ready on 127.0.0.1:$PORT, database $DB"
echo "export HUBBUB_TEST_PG_URL=jdbc:postgresql://127.0.0.1:$PORT/$DB"
echo "export HUBBUB_TEST_PG_USER=$USER_NAME"
echo "export HUBBUB_TEST_PG_DATA=$DATA"

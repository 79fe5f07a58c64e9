#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the integration tests.
#   postgres.sh start   creates a cluster in a fresh temp dir (owned by the postgres user, trust auth),
#                       listening on 127.0.0.1:${RASP_IT_PG_PORT:-55432} only, and prints its JDBC URL
#                       (export it as RASP_IT_PG_URL for the tests)
#   postgres.sh stop    stops that cluster and deletes its directory
#   postgres.sh url     prints the URL again
# PostgreSQL refuses to run as root; when run as root the server commands run as the `postgres` user.
set -euo pipefail

PORT="${RASP_IT_PG_PORT:-55432}"
STATE="${RASP_IT_PG_STATE:-${TMPDIR:-/tmp}/rasp-it-postgres.${PORT}.dir}"
URL="jdbc:postgresql://127.0.0.1:${PORT}/postgres?user=postgres"

find_bin() {
  if [ -n "${PG_BIN:-}" ]; then echo "$PG_BIN"; return; fi
  if command -v pg_ctl >/dev/null 2>&1; then dirname "$(command -v pg_ctl)"; return; fi
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -z "$d" ]; then echo "postgres.sh: no PostgreSQL binaries (set PG_BIN)" >&2; exit 1; fi
  echo "$d"
}

as_pg() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin dir
  bin=$(find_bin)
  if [ -f "$STATE" ] && [ -d "$(cat "$STATE")" ]; then
    dir=$(cat "$STATE")
    if as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      echo "$URL"
      return
    fi
    rm -rf "$dir"
  fi
  dir=$(mktemp -d "${TMPDIR:-/tmp}/rasp-it-pg.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  echo "$dir" > "$STATE"
  as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-instructions >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  # 127.0.0.1 only; the unix socket in the cluster's own directory (not /var/run/postgresql)
  as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }
  echo "$URL"
}

stop() {
  local bin dir
  [ -f "$STATE" ] || { echo "postgres.sh: not started" >&2; return 0; }
  dir=$(cat "$STATE")
  bin=$(find_bin)
  if [ -d "$dir/data" ]; then
    as_pg "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir" "$STATE"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  url) echo "$URL" ;;
  *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
esac

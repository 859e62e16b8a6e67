#!/usr/bin/env bash
# Prints a SQLAlchemy URL of a reachable PostgreSQL test database. Uses the server these machines run
# (127.0.0.1:5432, trust auth, database `test`); starts it, or installs and starts one, when none answers.
# It never stops or restarts a running server. All chatter goes to stderr; stdout is only the URL.
set -euo pipefail
URL_DB=${SHENBAO_PG_DATABASE:-test}
PORT=${SHENBAO_PG_PORT:-5432}
URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/$URL_DB"

# pg_isready when the client is installed, else a bare TCP probe (a server may run without the client).
ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$PORT" 2>/dev/null
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
  fi
}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo -n "$@"; else "$@"; fi; }
clusters() { ls -d /etc/postgresql/*/main 2>/dev/null | awk -F/ '{print $4}'; }
# -w: never prompt for a password (a fresh install may not trust loopback yet); bounded by a timeout.
sql() { timeout 20 psql -w -h 127.0.0.1 -p "$PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }

if ! ready; then
  if [ -z "$(clusters)" ] || ! command -v psql >/dev/null 2>&1; then
    echo "no PostgreSQL server here: installing it from Debian's packages" >&2
    (as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql) >&2
  fi
  if ! ready; then
    for v in $(clusters); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 || true
    done
    for _ in $(seq 1 30); do ready && break; sleep 1; done
  fi
fi
if ! ready; then
  echo "PostgreSQL could not be started on 127.0.0.1:$PORT" >&2
  exit 1
fi
if ! sql -d postgres -c 'select 1' >/dev/null 2>&1; then
  # a fresh Debian install asks for a password on loopback: trust it for the tests (first rule wins)
  hba=$(ls /etc/postgresql/*/main/pg_hba.conf 2>/dev/null | head -n1 || true)
  if [ -n "$hba" ] && ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
    as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(basename "$(dirname "$(dirname "$hba")")")" main reload >&2
    sleep 1
  fi
fi
# create the test database when it is missing (it is never dropped or recreated here)
if ! sql -d "$URL_DB" -c 'select 1' >/dev/null 2>&1; then
  sql -d postgres -c "create database \"$URL_DB\"" >&2 || true
fi
if ! sql -d "$URL_DB" -c 'select 1' >/dev/null 2>&1; then
  echo "PostgreSQL answers on 127.0.0.1:$PORT but database $URL_DB is not usable by postgres (trust auth)" >&2
  exit 1
fi
echo "$URL"

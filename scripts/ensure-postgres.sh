#!/usr/bin/env bash
# Prints a SQLAlchemy URL of a reachable PostgreSQL test database. Uses the server these machines run
# (127.0.0.1:5432, trust auth, database `test`); starts it, or installs and starts one, when none answers.
set -euo pipefail
URL_DB=${SHENBAO_PG_DATABASE:-test}
URL="postgresql+psycopg://postgres@127.0.0.1:5432/$URL_DB"

ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

if ! command -v pg_isready >/dev/null 2>&1; then
  echo "installing PostgreSQL from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
fi
if ! ready; then
  for v in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$v" main start >&2 || true
  done
  for _ in $(seq 1 30); do ready && break; sleep 1; done
fi
if ! ready; then
  echo "PostgreSQL could not be started" >&2
  exit 1
fi
# trust auth on these machines; create the database when it is missing.
if ! psql -h 127.0.0.1 -U postgres -d "$URL_DB" -c 'select 1' >/dev/null 2>&1; then
  if ! psql -h 127.0.0.1 -U postgres -d postgres -c "create database \"$URL_DB\"" >&2; then
    # a fresh Debian install uses peer auth for postgres: allow trust on loopback for the tests
    hba=$(ls /etc/postgresql/*/main/pg_hba.conf | head -n1)
    sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    pg_ctlcluster --skip-systemctl-redirect "$(basename "$(dirname "$(dirname "$hba")")")" main reload >&2
    psql -h 127.0.0.1 -U postgres -d postgres -c "create database \"$URL_DB\"" >&2 || true
  fi
fi
echo "$URL"

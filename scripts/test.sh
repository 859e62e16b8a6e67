#!/usr/bin/env bash
# Runs the whole test suite: lint and types, every test on SQLite, then the database tests again on
# PostgreSQL (started here when this machine has none running). Used by `make test` and .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BIN="$VENV/bin"

echo "== ruff"
"$BIN/ruff" check .
echo "== mypy"
"$BIN/mypy"

echo "== pytest (SQLite)"
"$BIN/pytest" -q -m "not rasa and not browser"

PG_URL=$(bash scripts/ensure-postgres.sh)
echo "== pytest (PostgreSQL: $PG_URL)"
set +e
SHENBAO_TEST_DATABASE_URL="$PG_URL" "$BIN/pytest" -q -m "db and not rasa and not browser"
rc=$?
set -e
if [ "$rc" -ne 0 ] && [ "$rc" -ne 5 ]; then exit "$rc"; fi

# the tests marked `rasa` against a real Rasa server (in CI, or with SHENBAO_TEST_RASA=1)
bash scripts/rasa-tests.sh

# the web chat page in headless Chromium (Debian's package; installed here when missing, as root in CI), with
# the CJK fonts a phone has: without them Chinese text is measured with fallback glyphs and the layout checks
# (shortcuts that fit 390 px, 44-px targets) would pass on a page that overflows on a real phone
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  echo "installing chromium and fonts-noto-cjk from Debian's packages" >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk) >&2
fi
echo "== pytest (browser)"
"$BIN/pytest" -q -m browser

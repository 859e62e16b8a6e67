#!/usr/bin/env bash
# The tests marked `rasa`, against a real Rasa server: sets up the Rasa venv (cached in
# $HOME/.cache/shenbao, so a second run on this machine reuses it), trains the NLU model (cached by a hash of
# nlu/nlu.yml + nlu/config.yml), serves it on a free port of 127.0.0.1, runs pytest -m rasa, stops the server.
# Called by scripts/test.sh when CI=true or SHENBAO_TEST_RASA=1 (SHENBAO_TEST_RASA=0 skips it even in CI).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${VENV:-.venv}/bin"

if [ "${SHENBAO_TEST_RASA:-}" = 0 ] || { [ "${CI:-}" != true ] && [ "${SHENBAO_TEST_RASA:-}" != 1 ]; }; then
    echo "== pytest (Rasa): skipped (runs in CI, or with SHENBAO_TEST_RASA=1)"
    exit 0
fi
if [ ! -f "${SHENBAO_RASA_NLU:-nlu/nlu.yml}" ] || [ ! -f "${SHENBAO_RASA_CONFIG:-nlu/config.yml}" ]; then
    echo "== pytest (Rasa): skipped: nlu/nlu.yml or nlu/config.yml is not there yet"
    exit 0
fi

PORT=$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "== Rasa: setup, train, serve on 127.0.0.1:$PORT"
started=$SECONDS
# a short DIET training (config.yml's pipeline otherwise): these tests check the integration, not the accuracy;
# the full model takes ~15-30 min on 2 cores, the short one a few (both cached by content)
export SHENBAO_RASA_EPOCHS=${SHENBAO_RASA_EPOCHS:-20}
# the whole Rasa step is bounded so that a hung install or server cannot eat CI's 90 minutes
timeout 1500 bash scripts/rasa.sh setup || timeout 1500 bash scripts/rasa.sh setup
timeout 1800 bash scripts/rasa.sh train >/dev/null
trap 'bash scripts/rasa.sh stop "$PORT"' EXIT
RASA_SERVE_TIMEOUT=300 bash scripts/rasa.sh serve "$PORT" >/dev/null
echo "== pytest (Rasa at 127.0.0.1:$PORT; ready after $((SECONDS - started))s)"
RASA_URL="http://127.0.0.1:$PORT" timeout 900 "$BIN/pytest" -q -m rasa -p no:cacheprovider

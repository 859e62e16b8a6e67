#!/usr/bin/env bash
# Real Rasa beside shenbao, in its own virtual environment (Rasa 3.6 needs Python <= 3.10 and pins
# SQLAlchemy 1.4 and TensorFlow, so nothing of it goes into shenbao's own environment).
#
#   scripts/rasa.sh setup              create the venv (cached; a second run does nothing)
#   scripts/rasa.sh train              train an NLU-only model from nlu/nlu.yml + nlu/config.yml (cached by
#                                      a hash of both files); prints the model path
#   scripts/rasa.sh serve [PORT]       serve that model on 127.0.0.1:PORT (default 5005) in the background,
#                                      wait until /model/parse answers; prints the URL
#   scripts/rasa.sh stop [PORT]        stop the server started by `serve` on that port
#   scripts/rasa.sh status [PORT]      exit 0 when the server on that port answers
#   scripts/rasa.sh project-train DIR  `rasa train` a full project (e.g. from `shenbao rasa export DIR`)
#   scripts/rasa.sh project-serve DIR [PORT]   serve it with the REST channel and --enable-api
#   scripts/rasa.sh exec ARGS...       run `rasa ARGS...` from the venv
#
# Environment: SHENBAO_RASA_VENV (default $HOME/.cache/shenbao/rasa-venv), SHENBAO_RASA_PYTHON (default
# the newest $(pyenv root)/versions/3.10.*/bin/python), SHENBAO_RASA_CACHE (models, logs, pids; default
# $HOME/.cache/shenbao/rasa), SHENBAO_RASA_NLU / SHENBAO_RASA_CONFIG (training data and pipeline; default
# nlu/nlu.yml and nlu/config.yml), SHENBAO_RASA_EPOCHS (DIET epochs instead of the config's),
# RASA_SERVE_TIMEOUT (seconds to wait for the server, default 300).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# the venv holds exactly scripts/rasa-requirements.lock (pinned, hash-checked; `bash scripts/lock.sh` updates it)
LOCK="$ROOT/scripts/rasa-requirements.lock"
RASA_VERSION=$(sed -n 's/^rasa==\([^ ]*\).*/\1/p' "$LOCK")
[ -n "$RASA_VERSION" ] || { echo "rasa.sh: $LOCK pins no rasa" >&2; exit 1; }
VENV=${SHENBAO_RASA_VENV:-$HOME/.cache/shenbao/rasa-venv}
CACHE=${SHENBAO_RASA_CACHE:-$HOME/.cache/shenbao/rasa}
# named after the lock's content: a changed lock makes `setup` rebuild the venv
MARKER="$VENV/.shenbao-rasa-$RASA_VERSION-$(sha256sum "$LOCK" | cut -c1-16)"
NLU_DATA=${SHENBAO_RASA_NLU:-$ROOT/nlu/nlu.yml}
NLU_CONFIG=${SHENBAO_RASA_CONFIG:-$ROOT/nlu/config.yml}
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 PYTHONWARNINGS=ignore SQLALCHEMY_SILENCE_UBER_WARNING=1

log() { echo "rasa.sh: $*" >&2; }
die() { log "$*"; exit 1; }

find_python() {
    if [ -n "${SHENBAO_RASA_PYTHON:-}" ]; then echo "$SHENBAO_RASA_PYTHON"; return; fi
    local root cand
    root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    cand=$(ls -d "$root"/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$cand" ] || cand=$(command -v python3.10 || true)
    [ -n "$cand" ] || die "no Python 3.10 found: install it with pyenv or set SHENBAO_RASA_PYTHON"
    echo "$cand"
}

cmd_setup() {
    if [ -f "$MARKER" ] && "$VENV/bin/rasa" --version >/dev/null 2>&1; then
        log "venv ready: $VENV (rasa $RASA_VERSION)"; return
    fi
    local py; py=$(find_python)
    log "creating $VENV with $py (rasa $RASA_VERSION from $LOCK; TensorFlow makes this take several minutes)"
    rm -rf "$VENV"
    mkdir -p "$(dirname "$VENV")"
    "$py" -m venv "$VENV"
    mkdir -p "$CACHE"
    local plog="$CACHE/pip-install.log"
    : >"$plog"
    # every package pinned and checked against the lock's hashes (pip, setuptools and wheel too), no resolving
    "$VENV/bin/python" -m pip install --require-hashes --no-deps -r "$LOCK" \
        >>"$plog" 2>&1 || { grep -v '^WARNING: Location' "$plog" | tail -n 30 >&2; die "pip install failed (log: $plog)"; }
    "$VENV/bin/python" -m pip check >>"$plog" 2>&1 \
        || { grep -v '^WARNING: Location' "$plog" | tail -n 30 >&2; die "pip check failed (log: $plog)"; }
    "$VENV/bin/rasa" --version >/dev/null
    touch "$MARKER"
    log "venv ready: $VENV"
}

# setup and train take a lock: several worktrees and CI share the venv and the model cache on one machine
with_lock() {
    mkdir -p "$CACHE"
    exec 9>"$CACHE/.lock"
    flock -w 3600 9 || die "could not lock $CACHE/.lock"
    "$@"
}

need_venv() { [ -f "$MARKER" ] || die "no Rasa venv for this lock at $VENV: run scripts/rasa.sh setup first"; }

data_hash() { cat "$NLU_DATA" "$1" "$LOCK" | sha256sum | cut -c1-16; }

# SHENBAO_RASA_EPOCHS=N trains with N epochs for the DIET classifier instead of config.yml's (the CI step
# uses a short training: it tests the integration, the benchmark measures the real configuration)
train_config() {
    [ -n "${SHENBAO_RASA_EPOCHS:-}" ] || { echo "$NLU_CONFIG"; return; }
    local out="$CACHE/config-epochs-$SHENBAO_RASA_EPOCHS.yml"
    "$VENV/bin/python" - "$NLU_CONFIG" "$out" "$SHENBAO_RASA_EPOCHS" <<'PY'
import sys
import yaml
src, dst, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
with open(src, encoding="utf-8") as fh:
    config = yaml.safe_load(fh)
for step in config.get("pipeline") or []:
    if step.get("name") == "DIETClassifier":
        step["epochs"] = epochs
with open(dst, "w", encoding="utf-8") as fh:
    yaml.safe_dump(config, fh, allow_unicode=True, sort_keys=False)
PY
    echo "$out"
}

cmd_train() {
    need_venv
    [ -f "$NLU_DATA" ] && [ -f "$NLU_CONFIG" ] || die "$NLU_DATA or $NLU_CONFIG missing"
    local name model config
    mkdir -p "$CACHE/models"
    config=$(train_config)
    name="nlu-$(data_hash "$config")"
    model="$CACHE/models/$name.tar.gz"
    if [ -f "$model" ]; then log "cached model $model"; echo "$model"; return; fi
    log "training $name (rasa train nlu)"
    local tlog="$CACHE/models/$name.log"
    (cd "$CACHE" && "$VENV/bin/rasa" train nlu --nlu "$NLU_DATA" --config "$config" \
        --out "$CACHE/models" --fixed-model-name "$name" >"$tlog" 2>&1) \
        || { tail -n 30 "$tlog" >&2; die "rasa train nlu failed (log: $tlog)"; }
    [ -f "$model" ] || die "training produced no $model"
    # keep the five newest models
    ls -t "$CACHE"/models/nlu-*.tar.gz 2>/dev/null | tail -n +6 | while read -r old; do rm -f "$old" "${old%.tar.gz}.log"; done
    echo "$model"
}

pidfile() { echo "$CACHE/run/rasa-$1.pid"; }

cmd_status() {
    local port=${1:-5005}
    curl -fsS -m 5 -X POST -H 'Content-Type: application/json' -d '{"text":"你好"}' \
        "http://127.0.0.1:$port/model/parse" >/dev/null 2>&1
}

wait_ready() {
    local port=$1 pid=$2 logfile=$3 waited=0 limit=${RASA_SERVE_TIMEOUT:-300}
    while ! cmd_status "$port"; do
        kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logfile" >&2; die "rasa exited before answering"; }
        [ "$waited" -lt "$limit" ] || { tail -n 30 "$logfile" >&2; die "rasa did not answer in ${limit}s"; }
        sleep 1; waited=$((waited + 1))
    done
    log "rasa answers on http://127.0.0.1:$port after ${waited}s (log: $logfile)"
    echo "http://127.0.0.1:$port"
}

start_server() {  # start_server PORT WORKDIR ARGS...
    local port=$1 workdir=$2; shift 2
    need_venv
    if cmd_status "$port"; then die "port $port already answers: stop that server first"; fi
    mkdir -p "$CACHE/run"
    local logfile="$CACHE/run/rasa-$port.log"
    (cd "$workdir" && exec setsid "$VENV/bin/rasa" run --enable-api -i 127.0.0.1 -p "$port" "$@" \
        >"$logfile" 2>&1 </dev/null) &
    local pid=$!
    echo "$pid" >"$(pidfile "$port")"
    wait_ready "$port" "$pid" "$logfile"
}

cmd_serve() {
    local port=${1:-5005} model
    model=$(with_lock cmd_train)
    start_server "$port" "$CACHE" --model "$model"
}

cmd_stop() {
    local port=${1:-5005} pf pid
    pf=$(pidfile "$port")
    [ -f "$pf" ] || { log "no server of ours on port $port"; return 0; }
    pid=$(cat "$pf")
    if kill -0 "$pid" 2>/dev/null; then
        kill -- "-$pid" 2>/dev/null || kill "$pid"
        for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    rm -f "$pf"
    log "stopped rasa on port $port"
}

cmd_project_train() {
    need_venv
    local dir=${1:?project directory}
    (cd "$dir" && "$VENV/bin/rasa" train --fixed-model-name project >&2)
    echo "$dir/models/project.tar.gz"
}

cmd_project_serve() {
    local dir=${1:?project directory} port=${2:-5005}
    [ -f "$dir/models/project.tar.gz" ] || die "no trained model in $dir/models: run project-train first"
    start_server "$port" "$dir" --model "$dir/models/project.tar.gz" --credentials "$dir/credentials.yml"
}

case "${1:-}" in
    setup) with_lock cmd_setup ;;
    train) with_lock cmd_train ;;
    serve) shift; cmd_serve "$@" ;;
    stop) shift; cmd_stop "$@" ;;
    status) shift; cmd_status "$@" ;;
    project-train) shift; cmd_project_train "$@" ;;
    project-serve) shift; cmd_project_serve "$@" ;;
    exec) shift; need_venv; exec "$VENV/bin/rasa" "$@" ;;
    *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

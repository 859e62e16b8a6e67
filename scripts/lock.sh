#!/usr/bin/env bash
# Regenerates the two hashed lock files (README, "锁定的安装"):
#   requirements.lock               shenbao's .venv: pyproject.toml's dependencies, the dev extra, pip and
#                                   setuptools (the editable install builds without isolation); Python 3.11,
#                                   Linux x86_64
#   scripts/rasa-requirements.lock  the Rasa sidecar's venv (scripts/rasa.sh): scripts/rasa-requirements.in;
#                                   Python 3.10, Linux x86_64
#
#   bash scripts/lock.sh                          re-resolve after editing pyproject.toml or rasa-requirements.in,
#                                                 keeping every pin that still fits
#   bash scripts/lock.sh --upgrade                move everything to the newest versions
#   bash scripts/lock.sh --upgrade-package NAME   move one package (repeatable)
#
# The resolver (uv, pinned below) goes into a throwaway venv under /tmp, never into the project's.
# Environment: SHENBAO_RASA_PYTHON (a Python 3.10; default the newest $(pyenv root)/versions/3.10.*/bin/python).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
UV_VERSION=0.13.9
TOOL=${TMPDIR:-/tmp}/shenbao-lock-tool-$UV_VERSION
if [ ! -x "$TOOL/bin/uv" ]; then
    python3 -m venv "$TOOL"
    "$TOOL/bin/python" -m pip install -q "uv==$UV_VERSION"
fi
UV="$TOOL/bin/uv"

py310=${SHENBAO_RASA_PYTHON:-}
if [ -z "$py310" ]; then
    root=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
    py310=$(ls -d "$root"/versions/3.10.*/bin/python 2>/dev/null | sort -V | tail -n 1 || true)
    [ -n "$py310" ] || py310=$(command -v python3.10 || true)
    [ -n "$py310" ] || { echo "lock.sh: no Python 3.10 for the Rasa lock: set SHENBAO_RASA_PYTHON" >&2; exit 1; }
fi

# only PyPI (uv ignores pip.conf's extra indexes and find-links), so the hashes are PyPI's files
common=(--generate-hashes --python-platform x86_64-manylinux_2_28 --custom-compile-command "bash scripts/lock.sh" "$@")

# setuptools is the build backend (pyproject's [build-system]); the Makefile installs the project with
# --no-build-isolation, so it comes from the lock like everything else, and so does pip itself
build_requires=$(python3 -c 'import tomllib; print("\n".join(tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]))')
printf '%s\npip\n' "$build_requires" | "$UV" pip compile pyproject.toml - --extra dev --python-version 3.11 \
    -o requirements.lock "${common[@]}"
"$UV" pip compile scripts/rasa-requirements.in --python "$py310" -o scripts/rasa-requirements.lock "${common[@]}"

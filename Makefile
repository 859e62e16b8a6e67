# The two commands of the README: `make serve` (set up, then run the main job on SQLite) and
# `make test` (set up, then run every test, on SQLite and PostgreSQL). Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup serve test lint chat clean

LOCK := requirements.lock

# The venv holds exactly the lock (pinned, hash-checked; `bash scripts/lock.sh` updates it, README "锁定的安装"):
# it is rebuilt from scratch when pyproject.toml or the lock changes, then the project goes in as an editable
# install without dependencies and without build isolation (setuptools comes from the lock too).
$(BIN)/.installed: pyproject.toml $(LOCK)
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/python -m pip install -q --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

setup: $(BIN)/.installed

serve: setup
	$(BIN)/shenbao serve

chat: setup
	$(BIN)/shenbao chat

test: setup
	VENV=$(VENV) bash scripts/test.sh

lint: setup
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache

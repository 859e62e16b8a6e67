# The two commands of the README: `make serve` (set up, then run the main job on SQLite) and
# `make test` (set up, then run every test, on SQLite and PostgreSQL). Both create .venv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup serve test lint chat clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
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

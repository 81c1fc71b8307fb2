# Continuity: every set-up step lives here, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3.11
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced-stamp
PORT ?= 8000

.PHONY: run test bench lint typecheck check env db-stop clean

env: $(STAMP)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON) --quiet
	touch $(STAMP)

## Start the embedded database, migrate, load the demo LA if empty, serve on 127.0.0.1:$(PORT).
run: env
	PORT=$(PORT) $(VENV)/bin/continuity run

## Lint, type-check and run every test (domain, services on PostgreSQL, browser journeys).
test: env lint typecheck
	$(VENV)/bin/pytest

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: env
	$(VENV)/bin/mypy domain continuity casework

## Benchmarks: writes bench/results.json (see README).
bench: env
	$(VENV)/bin/python -m bench.run

db-stop: env
	$(VENV)/bin/continuity db-stop

clean:
	rm -rf $(VENV) $(TOOLS) .pytest_cache .mypy_cache .ruff_cache

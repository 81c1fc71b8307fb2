# Continuity: every set-up step lives here, so a fresh machine needs only Python 3.11 and make.
PYTHON ?= python3.11
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
STAMP := $(VENV)/.synced-stamp
PORT ?= 8000
# The DfE returns validators (CIN census, SSDA903) pin pandas<2 / numpy<1.25: a venv of their own, run as a subprocess.
VALIDATORS := .validators
VALIDATORS_STAMP := $(VALIDATORS)/.synced-stamp
VALIDATORS_REQ := tools/validators/requirements.txt

.PHONY: run test bench loadtest lint typecheck check env validators db-stop clean

env: $(STAMP)

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(STAMP): $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --python $(PYTHON) --quiet
	touch $(STAMP)

## The DfE validators' own venv (.validators/), rebuilt only when tools/validators/requirements.txt changes.
validators: $(VALIDATORS_STAMP)

$(VALIDATORS_STAMP): $(UV) $(VALIDATORS_REQ)
	rm -rf $(VALIDATORS)
	$(UV) venv --quiet --python $(PYTHON) $(VALIDATORS)
	$(UV) pip install --quiet --python $(VALIDATORS)/bin/python -r $(VALIDATORS_REQ)
	touch $(VALIDATORS_STAMP)

## Start the embedded database, migrate, load the demo LA if empty, serve on 127.0.0.1:$(PORT).
run: env
	PORT=$(PORT) $(VENV)/bin/continuity run

## Lint, type-check and run every test (domain, services on PostgreSQL, browser journeys).
test: env validators lint typecheck
	$(VENV)/bin/pytest

lint: env
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: env
	$(VENV)/bin/mypy domain continuity casework demo

## Benchmarks: writes each result to bench/results.json as it is measured (see README).
## `make bench ONLY="worklist cohort_page"` runs a subset; BENCH_ARGS="--reuse-db" keeps the last data.
bench: env validators
	$(VENV)/bin/python -m bench.run $(if $(ONLY),--only $(ONLY)) $(BENCH_ARGS)

db-stop: env
	$(VENV)/bin/continuity db-stop

clean:
	rm -rf $(VENV) $(TOOLS) $(VALIDATORS) .pytest_cache .mypy_cache .ruff_cache

## Load test (issue 10): 200 simulated staff on the production server for 10 minutes, then every
## acknowledged write and due state checked; figures to bench/results.json as load_*. LOAD_USERS,
## LOAD_MINUTES and LOAD_PORT override (see loadtest/run.py).
loadtest: env
	$(VENV)/bin/python -m loadtest.run

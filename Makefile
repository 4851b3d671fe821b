# Every target sets up what it needs: a fresh machine with Python 3.11 is enough.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test lint format lock bench bench-smoke clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.run-installed: requirements/run.lock pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements/run.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.dev-installed: requirements/dev.lock pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.run-installed

run: $(VENV)/.run-installed
	$(BIN)/magicshelf serve

test: $(VENV)/.dev-installed
	./scripts/test-deps
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Regenerate the lock files after changing dependencies in pyproject.toml.
lock: $(VENV)/.dev-installed
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --no-emit-index-url --generate-hashes --strip-extras --allow-unsafe --all-build-deps -o requirements/run.lock pyproject.toml
	$(BIN)/pip-compile --quiet --no-emit-index-url --generate-hashes --strip-extras --allow-unsafe --all-build-deps --extra dev -o requirements/dev.lock pyproject.toml

# Load benchmarks against PostgreSQL (bench/REPORT.md); see bench/run.py. wrk, nginx and
# PostgreSQL come from Debian (scripts/bench-deps), py-spy from bench/requirements.txt.
# BENCH_QUICK=1 for a shorter run, BENCH_SCALE=N for the size of the scale part.
bench: $(VENV)/.run-installed
	./scripts/bench-deps
	$(BIN)/pip install --quiet --require-hashes -r bench/requirements.txt
	$(BIN)/python -m bench.run

# The same harness in seconds, on tiny data: fails only if the harness breaks.
bench-smoke: $(VENV)/.run-installed
	./scripts/bench-deps
	$(BIN)/pip install --quiet --require-hashes -r bench/requirements.txt
	$(BIN)/python -m bench.run --smoke

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Two commands do all the set-up: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SUM := $(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# What is installed into the venv, for this pyproject.toml: the runtime (demo) or runtime and test extras.
RUNTIME := $(VENV)/.installed-runtime-$(SUM)
TESTING := $(VENV)/.installed-test-$(SUM)
PORT ?= 8000

.PHONY: demo test install serve check lint clean

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("需要 Python 3.11 或更高版本") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUNTIME): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	rm -f $(VENV)/.installed-*
	touch $(RUNTIME)

# The test extras include the runtime, so both stamps are set: `make demo` afterwards installs nothing.
$(TESTING): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(RUNTIME) $(TESTING)

install: $(RUNTIME)

demo: $(RUNTIME)
	PORT=$(PORT) DATABASE_URL= $(VENV)/bin/zhenxing demo --port $(PORT)

# On PostgreSQL when DATABASE_URL points at one, else on SQLite; two workers (pytest-xdist), a
# test file per worker at a time. PYTEST_ARGS="-n 0 -k name" runs in one process.
PYTEST_ARGS ?= -n 2 --dist loadfile
test: $(TESTING)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# ruff (lint and format check) and the import-linter layers contract (pyproject.toml).
lint: $(TESTING)
	$(VENV)/bin/ruff check zhenxing bench
	$(VENV)/bin/ruff format --check zhenxing bench
	$(VENV)/bin/lint-imports

# lint, Django's system checks and no missing migration.
check: lint
	DATABASE_URL= $(VENV)/bin/zhenxing check
	DATABASE_URL= $(VENV)/bin/zhenxing makemigrations --check --dry-run

serve: $(RUNTIME)
	$(VENV)/bin/zhenxing serve --port $(PORT)

clean:
	rm -rf $(VENV) var/zhenxing.sqlite3* var/test-media*

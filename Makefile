# Two commands do all the set-up: `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT ?= 8000

.PHONY: demo test install serve check lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("需要 Python 3.11 或更高版本") if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	PORT=$(PORT) DATABASE_URL= $(VENV)/bin/zhenxing demo --port $(PORT)

# On PostgreSQL when DATABASE_URL points at one, else on SQLite.
test: $(STAMP)
	$(VENV)/bin/pytest $(PYTEST_ARGS)

serve: $(STAMP)
	$(VENV)/bin/zhenxing serve --port $(PORT)

clean:
	rm -rf $(VENV) var/zhenxing.sqlite3* var/test-media

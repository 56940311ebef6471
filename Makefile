# Two commands for a new machine: `make run` (console + embedded sandbox) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.installed-dev-stamp
PORT ?= 8501

.PHONY: run test test-fast install install-dev system-deps lint format lock

# (Re)create the venv unless its pip works: an interrupted first run, or Debian's python3 without
# python3-venv (installed here when root), otherwise leaves a .venv that every later run would trip over.
$(STAMP): requirements.lock pyproject.toml
	@$(BIN)/python -m pip --version >/dev/null 2>&1 || { \
	  $(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	    if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null; \
	    else echo "Python's venv module is missing: run 'sudo apt-get install -y python3-venv' once." >&2; \
	      exit 1; fi; }; \
	  echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv --clear $(VENV); }
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements.lock
	touch $(STAMP)

# The tests' tools (pytest, Playwright, ruff, ...) on top of the runtime: `make run` does not need them.
$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/python -m pip install -q -r requirements-dev.lock
	touch $(DEV_STAMP)

install: $(STAMP)

install-dev: $(DEV_STAMP)

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT)

# Browser tests drive Debian's Chromium; the records tests also run against a private PostgreSQL server.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "The tests need Debian's$$missing: run 'sudo apt-get install -y$$missing' once." >&2; exit 1; fi; \
	fi

test: install-dev system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# The edit-test loop: everything but the browser tests.
test-fast: install-dev system-deps
	$(BIN)/pytest --ignore=tests/browser -m "not browser"

lint format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Pin what .venv has installed: runtime (pyproject dependencies) and development (the dev extra) apart.
lock: install-dev
	$(BIN)/python tools/lock.py

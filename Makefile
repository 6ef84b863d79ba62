# Two commands do everything: `make demo` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PLUGINS := $(wildcard plugins/*)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint typecheck pytest docs bench browser postgres clean

$(STAMP): pyproject.toml $(wildcard plugins/*/pyproject.toml)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,docs,store,serve,report,forms]' $(foreach p,$(PLUGINS),-e $(p))
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/shopperkit demo

test: $(STAMP) browser postgres lint typecheck pytest docs

# Report tests open the HTML in Debian's headless Chromium; web form tests drive it through
# Debian's chromedriver.
browser:
	@{ command -v chromium && test -x /usr/bin/chromedriver; } >/dev/null || { \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq chromium chromium-driver >/dev/null; }

# Store tests run against SQLite and a throwaway server from Debian's PostgreSQL (server and
# client), which the tests start on 127.0.0.1 and stop themselves (tests/postgres.py).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends postgresql >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy --strict conftest.py src $(foreach p,$(PLUGINS),$(p)/src $(wildcard $(p)/tests)) tests benchmarks docs

pytest: $(STAMP)
	$(BIN)/python -m pytest

# The documentation site with its API reference, into build/site; any warning fails it.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/screening.py
	$(BIN)/python benchmarks/scoring.py
	$(BIN)/python benchmarks/assignment.py
	$(BIN)/python benchmarks/selection.py
	$(BIN)/python benchmarks/diversity.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .pytest_cache .ruff_cache .hypothesis

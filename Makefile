# Two commands do all set-up: `make run` (install, ingest the sample corpus, serve) and
# `make test` (install, then the whole test suite).
VENV ?= .venv
PY := $(VENV)/bin/python
IA := $(VENV)/bin/inspection-assistant
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install run test lint bench eval browser clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(IA) ingest
	$(IA) serve

test: install browser
	$(VENV)/bin/pytest -q

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The UI test drives Debian's Chromium. Install it when we can (root with apt); otherwise the
# test says loudly that Chromium is absent.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium for the browser test"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "WARNING: chromium is not installed and cannot be installed here: the browser test will fail"; fi; }

bench: install
	$(PY) bench/ingest.py
	$(PY) bench/query.py

eval: install
	$(IA) eval --gold eval/gold/gold.jsonl --baseline --report out/eval

clean:
	rm -rf $(VENV) data/store out .pytest_cache

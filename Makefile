# Everything bootstraps from a machine that has only Python 3.11+: a private copy of uv is
# installed into .tools/, and uv installs the locked dependencies into .venv/.
PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)

BASE ?= origin/main

.PHONY: install pricing-summary run test test-quick check lint typecheck golden schema bench screenshots history-fixtures clean

install: $(VENV)/.synced

run: $(VENV)/.synced
	$(BIN)/streamlit run app.py --server.address 127.0.0.1

# Every test, on every core (pytest-xdist): each worker starts its own Temporal dev server and
# Streamlit, on free ports of 127.0.0.1.
test: $(VENV)/.synced
	$(BIN)/python -m pytest -n auto

# The loop while working: everything but the real browser and the real Temporal server.
test-quick: $(VENV)/.synced
	$(BIN)/python -m pytest -n auto --ignore=tests/e2e --ignore=tests/calibration

check: lint typecheck test

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.synced
	$(BIN)/mypy

golden: $(VENV)/.synced
	$(BIN)/python -m tests.golden.regenerate

schema: $(VENV)/.synced
	$(BIN)/tco pricing schema

# Temporal histories exported from the real dev server, for the import tests (review the diff).
history-fixtures: $(VENV)/.synced
	$(BIN)/python -m tests.calibration.write_histories

# The README's screenshots, taken by the browser test in Debian's Chromium.
screenshots: $(VENV)/.synced
	TCO_SCREENSHOTS=docs/screenshots TCO_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q tests/e2e -k screenshots

# What a pricing pull request changes, and its effect on the presets (Markdown).
pricing-summary: $(VENV)/.synced
	TCO=$(BIN)/tco scripts/pricing-pr-summary $(BASE)

bench: $(VENV)/.synced
	$(BIN)/python bench/engine.py
	$(BIN)/python bench/outlook.py
	$(BIN)/python bench/app.py
	$(BIN)/python bench/cli.py
	$(BIN)/python bench/browser.py

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked --compile-bytecode --python $(PYTHON)
	$(BIN)/python -m compileall -q app.py cli.py model pricing report ui
	touch $@

clean:
	rm -rf .tools $(VENV) .pytest_cache .mypy_cache .ruff_cache

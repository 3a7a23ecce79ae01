# The two commands a user needs: `make run` and `make test`. Each installs what it needs first
# (a virtual environment with the pinned packages, the local host's npm packages) and rebuilds
# app.wasm only when a source changed.

LISTEN ?= 127.0.0.1:3000
PYTHON ?= python3

VENV := .venv
VENV_STAMP := $(VENV)/.installed
NODE_STAMP := devhost/node_modules/.installed
SOURCES := app.py $(shell find api commands queries domain storage web -name '*.py' 2>/dev/null)
# The build command lives in spin.toml, so `spin build` and `make build` make the same app.wasm.
BUILD_COMMAND = $(shell $(PYTHON) -c "import tomllib; print(tomllib.load(open('spin.toml', 'rb'))['component']['employees']['build']['command'])")
SPIN_UP_FLAGS = --sqlite @migrations.sql --runtime-config-file ./local.toml --listen $(LISTEN)
SPIN := $(shell command -v spin 2>/dev/null)
# With `spin` on PATH, real `spin up` serves `make run` and the end-to-end tests, so nothing needs
# the local host (devhost/, see devhost/README.md): no Node, no npm install with its native build
# of better-sqlite3, and `make test` deselects the local host's own tests (marker `devhost`;
# `make devhost-test` runs them). Without spin the local host serves, and `make test` tests it too.
LOCAL_HOST := $(if $(SPIN),,$(NODE_STAMP))
TEST_SELECTION := $(if $(SPIN),-m 'not devhost')

.PHONY: run test devhost-test fuzz soak bench compat build lint unit constraints clean

run: app.wasm $(LOCAL_HOST)
ifdef SPIN
	spin up $(SPIN_UP_FLAGS)
else
	@echo "spin is not on PATH: serving with the local Spin-compatible host (devhost/)"
	node devhost/spin-up.mjs $(SPIN_UP_FLAGS)
endif

test: lint app.wasm $(LOCAL_HOST)
	$(VENV)/bin/python -m pytest $(TEST_SELECTION)

# Only the local host's own tests (devhost/tests): they build a small fixture component, not app.wasm.
devhost-test: $(VENV_STAMP) $(NODE_STAMP)
	$(VENV)/bin/python -m pytest devhost/tests

# A longer schemathesis run than the one in `make test` (FUZZ_MAX_EXAMPLES per operation and phase).
fuzz: app.wasm $(LOCAL_HOST)
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-300} $(VENV)/bin/python -m pytest -s tests/e2e/test_fuzz.py

# A bounded mixed load (20,000 requests on loopback): latency and host memory per quarter, 5xx count.
soak: app.wasm $(LOCAL_HOST)
	$(VENV)/bin/python -m bench.soak

# Requests/s and latency percentiles at 1,000, 10,000 and 100,000 employees, beside CPython;
# writes bench/results/results.md and latency.png.
bench: app.wasm $(LOCAL_HOST)
	$(VENV)/bin/python -m bench.run

# Which Spin hosts can run app.wasm (deploy/hosts.toml): the matrix in the README.
compat: app.wasm
	$(VENV)/bin/python -m deploy.compatibility app.wasm

unit: $(VENV_STAMP)
	$(VENV)/bin/python -m pytest tests/unit

lint: $(VENV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

build: app.wasm

app.wasm: $(SOURCES) $(wildcard wit/*.wit wit/*.py) spin.toml $(VENV_STAMP)
	export PATH="$(CURDIR)/$(VENV)/bin:$$PATH" && $(BUILD_COMMAND)

$(VENV_STAMP): requirements.txt constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(NODE_STAMP): devhost/package.json devhost/package-lock.json
	cd devhost && npm ci --no-audit --no-fund
	touch $@

# Re-pin every installed package after a change to requirements.txt (keeps the file's header).
constraints: $(VENV_STAMP)
	{ head -n 3 constraints.txt; $(VENV)/bin/python -m pip freeze; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf app.wasm build .spin

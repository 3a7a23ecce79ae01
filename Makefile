# The two commands a user needs: `make run` and `make test`. Each installs what it needs first
# (virtual environments with the pinned packages, the local host's npm packages) and rebuilds a
# component only when a source changed. Two components come from one source tree: app.wasm
# (WASIp2: Spin 3.4+, SpinKube) and app-p3.wasm (WASIp3: Spin 4.1+), each with its own environment.

LISTEN ?= 127.0.0.1:3000
PYTHON ?= python3

VENV := .venv
VENV_STAMP := $(VENV)/.installed
VENV_P3 := .venv-p3
VENV_P3_STAMP := $(VENV_P3)/.installed
NODE_STAMP := devhost/node_modules/.installed
SHARED_SOURCES := $(shell find api commands queries domain storage web -name '*.py' 2>/dev/null)
# Each build command lives in its manifest, so `spin build` and `make build` make the same component.
build_command = $(shell $(PYTHON) -c "import tomllib; print(tomllib.load(open('$(1)', 'rb'))['component']['employees-cqrs']['build']['command'])")
# The schema at every start; for the WASIp3 component, whose instances keep their connection, WAL
# journal mode too (docs/deploying.md, "The local database").
WAL_FLAG = $(if $(filter p3,$(WASI)),--sqlite 'PRAGMA journal_mode = WAL')
SPIN_UP_FLAGS = --sqlite @migrations.sql $(WAL_FLAG) --runtime-config-file ./local.toml --listen $(LISTEN)
SPIN := $(shell command -v spin 2>/dev/null)
# Which component `make run` and the end-to-end tests serve: WASIp3 when the spin on PATH is 4.1 or
# later, else WASIp2 (also for the local host, which cannot run WASIp3). `make run WASI=p2` or
# `WASI=p3` forces one.
WASI ?= $(shell $(PYTHON) deploy/component.py)
export WASI
COMPONENT := $(if $(filter p3,$(WASI)),app-p3.wasm,app.wasm)
MANIFEST := $(if $(filter p3,$(WASI)),spin-p3.toml,spin.toml)
# With `spin` on PATH, real `spin up` serves `make run` and the end-to-end tests, so nothing needs
# the local host (devhost/, see devhost/README.md): no Node, no npm install with its native build
# of better-sqlite3, and `make test` deselects the local host's own tests (marker `devhost`;
# `make devhost-test` runs them). Without spin the local host serves, and `make test` tests it too.
LOCAL_HOST := $(if $(SPIN),,$(NODE_STAMP))
TEST_SELECTION := $(if $(SPIN),-m 'not devhost')

.PHONY: run test test-libsql devhost-test fuzz soak bench compat build lint unit constraints clean api-key template

run: $(COMPONENT) $(LOCAL_HOST)
ifdef SPIN
	spin up --from $(MANIFEST) $(SPIN_UP_FLAGS)
else ifeq ($(WASI),p3)
	@echo "spin is not on PATH, and the local host cannot run the WASIp3 component (jco needs Node 24's JSPI): use WASI=p2" >&2; exit 1
else
	@echo "spin is not on PATH: serving app.wasm with the local Spin-compatible host (devhost/)"
	node devhost/spin-up.mjs --from $(MANIFEST) $(SPIN_UP_FLAGS)
endif

test: lint build $(LOCAL_HOST)
	$(VENV)/bin/python -m pytest $(TEST_SELECTION)

# The libSQL end-to-end tests (tests/libsql): Spin instances on a real sqld primary and replica.
# They need spin and sqld on PATH, such as a release of each unpacked into a folder.
test-libsql: build
	@command -v spin >/dev/null && command -v sqld >/dev/null || \
		{ echo "make test-libsql needs spin and sqld on PATH" >&2; exit 1; }
	$(VENV)/bin/python -m pytest -m libsql tests/libsql

# Only the local host's own tests (devhost/tests): they build a small fixture component, not app.wasm.
devhost-test: $(VENV_STAMP) $(NODE_STAMP)
	$(VENV)/bin/python -m pytest devhost/tests

# A longer schemathesis run than the one in `make test` (FUZZ_MAX_EXAMPLES per operation and phase).
fuzz: $(COMPONENT) $(LOCAL_HOST)
	FUZZ_MAX_EXAMPLES=$${FUZZ_MAX_EXAMPLES:-300} $(VENV)/bin/python -m pytest -s tests/e2e/test_fuzz.py

# A bounded mixed load (20,000 requests on loopback): latency and host memory per quarter, 5xx count.
soak: $(COMPONENT) $(LOCAL_HOST)
	$(VENV)/bin/python -m bench.soak

# With spin on PATH: real Spin, each component it runs beside the smallest component of its world
# (bench/real_spin.py, writes bench/results/real-spin-<version>.md). Without: the local host at
# 1,000, 10,000 and 100,000 employees beside CPython (bench/run.py, writes bench/results/results.md).
ifdef SPIN
bench: build
	$(VENV)/bin/python -m bench.real_spin
else
bench: $(COMPONENT) $(LOCAL_HOST)
	$(VENV)/bin/python -m bench.run
endif

# Which Spin hosts can run each component (deploy/hosts.toml): the matrix in the README.
compat: build
	$(VENV)/bin/python -m deploy.compatibility app.wasm app-p3.wasm

# A new API key: prints its secret and the entry to add to the Spin variable api_keys.
ID ?= $(USER)
ROLE ?= reader
api-key:
	@$(PYTHON) -m deploy.api_key "$(ID)" "$(ROLE)"

# The Spin template cqrs-py: its content/ staged from this repository's files (deploy/template.py),
# for `spin templates install --dir .` and then `spin new -t cqrs-py <name>`.
template:
	$(PYTHON) -m deploy.template

unit: $(VENV_STAMP)
	$(VENV)/bin/python -m pytest tests/unit

# app_p3.py and bench/floor/hello_p3.py are checked against spin-sdk 5, the SDK they are built with,
# in a run of their own.
lint: $(VENV_STAMP) $(VENV_P3_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/mypy --cache-dir .mypy_cache/p3 --python-executable $(VENV_P3)/bin/python --follow-imports=silent app_p3.py bench/floor/hello_p3.py

build: app.wasm app-p3.wasm

app.wasm: app.py $(SHARED_SOURCES) wit/employees.wit wit/stage.py spin.toml $(VENV_STAMP)
	export PATH="$(CURDIR)/$(VENV)/bin:$$PATH" && $(call build_command,spin.toml)

app-p3.wasm: app_p3.py $(SHARED_SOURCES) wit/employees-p3.wit wit/stage.py spin-p3.toml $(VENV_P3_STAMP)
	export PATH="$(CURDIR)/$(VENV_P3)/bin:$$PATH" && $(call build_command,spin-p3.toml)

$(VENV_STAMP): requirements.txt constraints.txt
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	touch $@

$(VENV_P3_STAMP): requirements-p3.txt constraints-p3.txt
	test -x $(VENV_P3)/bin/python || $(PYTHON) -m venv $(VENV_P3)
	$(VENV_P3)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-p3.txt -c constraints-p3.txt
	touch $@

$(NODE_STAMP): devhost/package.json devhost/package-lock.json
	cd devhost && npm ci --no-audit --no-fund
	touch $@

# Re-pin every installed package after a change to requirements*.txt (keeps each file's header).
constraints: $(VENV_STAMP) $(VENV_P3_STAMP)
	{ head -n 3 constraints.txt; $(VENV)/bin/python -m pip freeze; } > constraints.txt.new
	mv constraints.txt.new constraints.txt
	{ head -n 3 constraints-p3.txt; $(VENV_P3)/bin/python -m pip freeze; } > constraints-p3.txt.new
	mv constraints-p3.txt.new constraints-p3.txt

clean:
	rm -rf app.wasm app-p3.wasm build .spin

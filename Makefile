# Two entry points: `make demo` and `make test`. Each builds its own venv from nothing but
# Python >= 3.11 and pip, so a fresh machine needs no other setup.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev,demo]'
	touch $(STAMP)

.PHONY: demo test pytest lint lint-style lint-types bench soak screenshots keys

# The import contracts (pyproject.toml [tool.importlinter]) `make lint` enforces. A pending one is
# written but not kept by the code yet: move its id up once it passes.
LINT_CONTRACTS := aws-no-ui tui-no-boto sandbox-demo-only sandbox-acyclic screens-independent
LINT_CONTRACTS_PENDING :=

demo: $(STAMP)
	$(BIN)/ecsdeck --demo

# docs/keys.md from tui/keymap/ (tests/tui/test_keymap.py fails while it is stale)
keys: $(STAMP)
	$(BIN)/python -m tui.keys_doc docs/keys.md

lint: lint-style lint-types

lint-style: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint-types: $(STAMP)
	$(BIN)/mypy
	$(BIN)/lint-imports --no-logo $(addprefix --contract ,$(LINT_CONTRACTS))

# Two workers per core: a pilot test spends half its time waiting on the app's timers and the
# sandbox, so one worker per core leaves the CPU half idle (113% of 2 cores at -n 2). A module
# with its own sandbox stays on one worker (tests/conftest.py). make test TEST_WORKERS=1 to debug.
TEST_WORKERS ?= 4
pytest: $(STAMP)
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup --durations=15

# The type check and import contracts (16 s from cold) run beside pytest, which leaves a core
# partly idle while its pilot tests wait on the app's timers; either failing fails the target.
test: lint-style
	$(MAKE) --no-print-directory -j2 lint-types pytest

# make bench BENCH_ARGS='--services 300 --skip E' for a quicker, smaller run
bench: $(STAMP)
	$(BIN)/python -m scripts.bench $(BENCH_ARGS)
	$(BIN)/python -m scripts.bench_problems
	$(BIN)/python -m scripts.bench_contexts

# 30 minutes of faults against the AWS-like sandbox (not in CI): make soak SOAK_ARGS='--minutes 5'
soak: $(STAMP)
	$(BIN)/python -m scripts.bench_soak $(SOAK_ARGS)

screenshots: $(STAMP)
	$(BIN)/python -m scripts.screenshots

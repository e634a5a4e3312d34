# Go Memory Lab. `make lab` to learn, `make test` to check everything (what CI runs).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install lab warm test lint perf clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

warm: $(STAMP)
	$(BIN)/gomemlab doctor
	$(BIN)/gomemlab warm

lab: warm
	$(BIN)/gomemlab lab

lint: $(STAMP)
	$(BIN)/ruff check helpers tests scripts notebooks hub
	$(BIN)/ruff format --check helpers tests scripts hub
	$(BIN)/mypy

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
test: warm lint
	GOMEMLAB_QUICK=1 $(BIN)/python -m pytest -n 2 --dist loadscope; \
	rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest collected no tests" >&2; exit 1; fi; exit $$rc

perf: warm
	$(BIN)/python scripts/perf.py

clean:
	rm -rf $(VENV) .pytest_cache

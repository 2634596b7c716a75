# Two commands for a fresh machine (see README):
#   make demo   set up .venv and build the demo reports and the real provincial example
#   make test   set up .venv (with test tools) and run lint + the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEV    := $(VENV)/.installed-dev

.PHONY: setup setup-dev demo test lab bench clean-reports

# `setup` installs what running needs (no test tools, no pyspark); `setup-dev` adds them.
setup: $(STAMP)

setup-dev: $(DEV)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[dev,spark]"
	touch $(DEV)

demo: setup
	$(BIN)/ipbench run params/demo.yaml
	$(BIN)/ipbench run params/china_provinces.yaml

test: setup-dev
	$(BIN)/ruff check ipbench tests bench scripts
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lab: setup
	$(BIN)/ipbench lab

bench: setup-dev
	for b in bench/*.py; do $(BIN)/python $$b || exit 1; done

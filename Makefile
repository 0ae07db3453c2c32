# make setup: create .venv with the pinned stack (idempotent: redone only when the pins change)
# make test:  setup + pytest (the whole suite, one worker per core; ends with its 15 slowest tests)
# make demo:  setup + the main job on the embedded synthetic data set
# make study: setup + the evidence study (every method, Table 3/4, VC variants, 3 seeds; ~1.5 h)
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# --no-compile: Python compiles a module to bytecode when it is first imported, instead of pip
# compiling all ~17,500 installed files up front (torch's 2,018 alone: 11 s of CPU).
PIP := $(PY) -m pip
CONSTRAINTS := requirements/constraints.txt
STAMP := $(VENV)/.installed
# Tests and the demo must not write under the home folder.
export XDG_CACHE_HOME ?= $(CURDIR)/.cache
export MPLCONFIGDIR ?= $(CURDIR)/.cache/matplotlib
export YOLO_CONFIG_DIR ?= $(CURDIR)/.cache/ultralytics
export YOLO_OFFLINE ?= 1
export YOLO_AUTOINSTALL ?= 0
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: setup test demo study clean

setup: $(STAMP)

# One console line per step; pip's own output goes to $(SETUP_LOG) (its tail is shown on failure).
SETUP_LOG := $(VENV)/setup.log
$(STAMP): $(CONSTRAINTS) pyproject.toml
	@test -x $(PY) || { echo "[setup] creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	@echo "[setup] installing torch, torchvision, torchaudio (pinned; log: $(SETUP_LOG))"
	@$(PIP) install --no-compile -c $(CONSTRAINTS) torch torchvision torchaudio > $(SETUP_LOG) 2>&1 \
		|| { tail -n 30 $(SETUP_LOG); exit 1; }
	@echo "[setup] installing mmvicokd and its pinned dependencies (log: $(SETUP_LOG))"
	@$(PIP) install --no-compile -c $(CONSTRAINTS) -e '.[test]' >> $(SETUP_LOG) 2>&1 \
		|| { tail -n 30 $(SETUP_LOG); exit 1; }
	@$(PY) -c "import mmvicokd"
	@touch $(STAMP)
	@echo "[setup] done"

test: setup
	$(PY) -m pytest -q -n auto --dist loadgroup tests --durations=15

demo: setup
	$(PY) tools/demo.py --work-dir work_dirs/demo --results-doc docs/demo_results.md

study: setup
	$(PY) tools/demo.py --study --seeds 0 1 2 --work-dir work_dirs/study_results

clean:
	rm -rf $(VENV) .cache work_dirs

# Two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: demo test test-slow install clean bench bench-quick

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/wijkprofiel demo --out out/demo

test: $(STAMP)
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "no tests collected"; exit 0; fi; exit $$rc

# The crash loop: 20 kill -9 during ingest, build and publish (about a quarter of an hour; the seed is printed).
test-slow: $(STAMP)
	$(BIN)/python -m pytest -q -s -m slow tests/test_crash_loop.py

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

# Files to marts at 1M, 3M and 10M rows against the copy floor and the pandas and polars peers (~10 minutes on a
# quiet machine; the pandas peer needs ~5 GB free memory at 10M), then the unchanged rerun, publishing, every
# gemeente of the SYNTHETIC country with the local runner and on a 2-worker Dask LocalCluster (~30 minutes on 2
# cores) and Prefect's own cost per gemeente. Results in benchmarks/results/, see docs/performance.md.
bench: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_files_to_marts.py 1000000 3000000 10000000 --memory-limit 1500MB
	$(BIN)/python benchmarks/bench_rerun.py
	$(BIN)/python benchmarks/bench_publish.py
	$(BIN)/python benchmarks/bench_landelijk.py
	$(BIN)/python benchmarks/bench_prefect_overhead.py

# Files to marts at 1M rows and the demo's wall time (a few minutes): benchmarks/results/quick.json.
bench-quick: $(BENCH_STAMP)
	$(BIN)/python benchmarks/bench_files_to_marts.py --quick

clean:
	rm -rf $(VENV) out .pytest_cache

# The two front-door commands: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
DB     ?= var/demo.db
HOST   ?= 127.0.0.1
PORT   ?= 8501
CORPUS := etl/corpus/articles

.PHONY: install demo demo-db test bench clean

$(BIN)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c requirements.lock -e '.[test]'
	@touch $@

install: $(BIN)/.installed

demo-db: install
	@mkdir -p $(dir $(DB))
	$(BIN)/stance ingest $(CORPUS) --db $(DB)
	$(BIN)/stance retag --db $(DB)
	$(BIN)/stance runs --db $(DB) -n 3 --no-problems

demo: demo-db
	@echo "Serving the dashboard on http://$(HOST):$(PORT) (Ctrl-C to stop)"
	$(BIN)/stance dashboard --db $(DB) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

bench: install
	$(BIN)/python tests/benchmarks/bench_extract.py

clean:
	rm -rf $(VENV) var *.egg-info

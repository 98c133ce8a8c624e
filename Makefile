# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501
HOST   ?= localhost
REPLICAS ?= 1

.PHONY: venv run serve test lint bench clean mutate

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# Start the dashboard; the data is fetched (with progress in the page) on first use.
run: venv
	$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT)

# Serve to a classroom: listen on every interface. REPLICAS=N: N app processes behind HAProxy on PORT.
serve: HOST = 0.0.0.0
serve: venv
	@if [ "$(REPLICAS)" = 1 ]; then \
		$(VENV)/bin/streamlit run app.py --server.address $(HOST) --server.port $(PORT); \
	else \
		REPLICAS=$(REPLICAS) PORT=$(PORT) HOST=$(HOST) VENV=$(VENV) deploy/serve_replicas.sh $(REPLICAS); \
	fi

# Layers in order (unit, AppTest, browser, load); line coverage of the core and the pages at the end.
test: venv
	$(PY) -m pytest --cov --cov-report=term-missing:skip-covered

# Mutation testing of the core (hours on 2 cores; stop and start again at will: results are kept in
# .mutation/). MODULES="mnistlab/models/metrics.py ..." for some modules; never part of `make test`.
MODULES ?=
mutate: venv
	$(PY) -m mutation.run $(MODULES)

# Style and the core's types (CI runs it before the tests).
lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .pytest_cache

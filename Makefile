# Two entry points: `make build` (install + build everything from data/raw)
# and `make test` (install + run the test suite). Both create .venv when absent.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: build test install ingest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml setup.py src/govreport/readers/_pdfium_loops.c
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

build: $(STAMP)
	-bash scripts/ensure_tesseract.sh >/dev/null
	$(BIN)/govreport build

ingest: $(STAMP)
	$(BIN)/govreport ingest

# OCR of scanned reports needs Debian's tesseract-ocr + chi_sim (installed here when missing; the OCR
# tests skip with the reason when it cannot be installed)
test: $(STAMP)
	-bash scripts/ensure_tesseract.sh >/dev/null
	$(BIN)/python -m pytest -q

clean:
	rm -rf data/processed/* build reports

# One entry per habit. `make dev` and `make test` work on a fresh Debian 12 machine.
.PHONY: dev test lint typecheck bench setup

setup:
	scripts/setup

dev: setup
	.venv/bin/tablefor dev

test:
	scripts/test

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

typecheck:
	.venv/bin/mypy

bench: setup
	.venv/bin/python bench/run_all.py

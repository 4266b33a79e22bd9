# One entry per habit. `make dev` and `make test` work on a fresh Debian 12 machine.
.PHONY: dev test lint typecheck bench setup golden schema

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
	.venv/bin/python -m bench.run_all

golden:
	.venv/bin/pytest tests/unit/test_golden.py --update-golden -q

schema:
	.venv/bin/python -m tests.support.schema --write

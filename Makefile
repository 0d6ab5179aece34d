# The two commands of the README, and a few more for developers.
.PHONY: setup demo test bench lint

setup:
	@scripts/setup.sh

demo: setup
	.venv/bin/scanner demo --out demo-output --overwrite

test: setup
	.venv/bin/python -m pytest

bench: setup
	.venv/bin/scanner bench --pages 200 1000 --runs 3

lint: setup
	.venv/bin/ruff check . && .venv/bin/ruff format --check .

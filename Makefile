# The two commands of the README. Both run the idempotent set-up first (scripts/setup).
.PHONY: up test setup

up: setup
	.venv/bin/harness up $(ARGS)

test: setup
	.venv/bin/python -m pytest -n auto $(ARGS)

setup:
	@scripts/setup

# The two commands of the README. Both run the idempotent set-up first (scripts/setup).
.PHONY: up test setup

up: setup
	.venv/bin/harness up $(ARGS)

test: setup
	.venv/bin/python -m pytest $(ARGS)

setup:
	@scripts/setup

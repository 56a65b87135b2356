# The two commands of the README. Both run the idempotent set-up first (scripts/setup).
.PHONY: up test setup conformance

up: setup
	.venv/bin/harness up $(ARGS)

test: setup
	.venv/bin/python -m pytest -n auto $(ARGS)

# Logto's own integration tests against the harness (docs/harness.md#conformance-logtos-own-integration-tests);
# the tables go to docs/conformance.md. ARGS: files, folders or sets (default: issue 15's target files and
# issue 14's Management API files).
conformance: setup
	.venv/bin/python -m conformance --write-doc $(ARGS)

setup:
	@scripts/setup

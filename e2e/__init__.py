"""End-to-end material: the sample apps (``e2e/apps``). Not part of the distribution: run from a checkout."""

"""Logto's own integration tests run against the harness: the conformance suite.

``python -m conformance`` (``make conformance``) installs the suite's npm packages, builds it, starts
fake_logto as Logto's user and admin tenants in dev mode (:mod:`conformance._servers`), runs each chosen
test file in its own jest process and prints a table of the results; ``--write-doc`` saves it as
``docs/conformance.md``. See docs/conformance.md for what passes and what is left.
"""

"""README's "Test your own app": its sample test is tests/e2e/test_readme_example.py, verbatim (so it runs
with this suite), and its harness.toml snippet is a valid config."""

from __future__ import annotations

import re
from pathlib import Path

from harness import parse_harness_config

ROOT = Path(__file__).resolve().parents[2]
SECTION = (ROOT / "README.md").read_text(encoding="utf-8").split("## Test your own app\n", 1)[-1]
SECTION = SECTION.split("\n## ", 1)[0]


def test_readme_sample_test_is_the_one_that_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", SECTION, flags=re.DOTALL)
    (block,) = [b for b in blocks if b.startswith('"""An e2e test of sign-up')]
    assert block == (Path(__file__).parent / "test_readme_example.py").read_text(encoding="utf-8")


def test_readme_passkey_test_is_the_one_that_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", SECTION, flags=re.DOTALL)
    (block,) = [b for b in blocks if b.startswith('"""An e2e test of a passkey')]
    assert block == (Path(__file__).parent / "test_readme_passkey.py").read_text(encoding="utf-8")


def test_readme_harness_toml_snippet_is_valid() -> None:
    import tomllib

    (block,) = re.findall(r"```ini\n(.*?)```", SECTION, flags=re.DOTALL)
    config = parse_harness_config(tomllib.loads(block))
    # The first application is the one the app signs in as; the harness adds its Management API M2M app.
    application, management = config.tenant_config("http://127.0.0.1:5080").applications
    assert (management.type, management.id) == ("m2m", "harness-management")
    assert application.redirect_uris == ("http://localhost:8080/callback",)
    assert application.post_logout_redirect_uris == ("http://localhost:8080",)

"""README's "Test your own app" and "Single-page apps": their sample tests are tests/e2e/test_readme_example.py
and test_readme_spa_example.py, verbatim (so they run with this suite), and their harness.toml snippets are
valid configs."""

from __future__ import annotations

import re
from pathlib import Path

from harness import parse_harness_config

ROOT = Path(__file__).resolve().parents[2]


def section(title: str) -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8").split(f"## {title}\n", 1)[-1].split("\n## ", 1)[0]


SECTION = section("Test your own app")
SPA_SECTION = section("Single-page apps")
PASSKEY_SECTION = section("Passkeys (WebAuthn)")  # the "### …" subsection of "## MFA"


def test_readme_sample_test_is_the_one_that_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", SECTION, flags=re.DOTALL)
    (block,) = [b for b in blocks if b.startswith('"""An e2e test of sign-up')]
    assert block == (Path(__file__).parent / "test_readme_example.py").read_text(encoding="utf-8")


def test_readme_passkey_test_is_the_one_that_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", PASSKEY_SECTION, flags=re.DOTALL)
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


def test_readme_spa_section() -> None:
    import tomllib

    blocks = re.findall(r"```python\n(.*?)```", SPA_SECTION, flags=re.DOTALL)
    assert blocks == [(Path(__file__).parent / "test_readme_spa_example.py").read_text(encoding="utf-8")]
    (block,) = re.findall(r"```ini\n(.*?)```", SPA_SECTION, flags=re.DOTALL)
    config = parse_harness_config(tomllib.loads(block))
    (application, _management) = config.tenant_config(
        "http://127.0.0.1:5080", "http://localhost:5173", spa=True
    ).applications
    assert (application.id, application.type, application.confidential) == ("my-spa", "spa", False)
    assert application.redirect_uris == ("http://localhost:5173/callback",)

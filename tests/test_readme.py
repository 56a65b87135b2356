"""The README's Python examples run as written (the Mailgun URL swapped for the test server's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fake_mailgun import Running
from harness import Harness

README = Path(__file__).parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)


def test_readme_has_python_examples() -> None:
    assert len(BLOCKS) >= 2
    assert len(re.findall(r"```toml\n", README.read_text())) == 1


@pytest.mark.parametrize("source", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(source: str, mailgun: Running, harness: Harness) -> None:
    code = source.replace("http://127.0.0.1:5080", mailgun.url).replace(
        "http://127.0.0.1:3001", harness.logto.url
    )
    namespace: dict[str, object] = {}
    exec(compile(code, str(README), "exec"), namespace)
    client = namespace.get("client")
    if "from mailgun" in source and client is not None:  # the SDK example: its message is in the mailbox
        import httpx

        got = httpx.get(f"{mailgun.url}/__harness/messages", params={"to": "alice@example.test"}).json()
        assert "123456" in [m["code"] for m in got["items"]]
        client.close()  # type: ignore[attr-defined]


TOML_BLOCKS = re.findall(r"```toml\n(.*?)```", README.read_text(), flags=re.DOTALL)


@pytest.mark.parametrize("source", TOML_BLOCKS, ids=[f"toml{i}" for i in range(len(TOML_BLOCKS))])
def test_readme_tenant_config_is_valid(source: str) -> None:
    import tomllib

    from fake_logto import parse_config

    config = parse_config(tomllib.loads(source))
    assert config.applications[0].redirect_uris == ("http://localhost:3000/callback",)
    assert config.connector is not None
    assert config.users[0].roles == ("librarian",)

"""A plain urlencoded send body is read into the fields starlette's form parser reads out of it (issue 20's
shortcut in ``fake_mailgun._api.common.read_form``); any other body is left to that parser."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers
from starlette.formparsers import FormParser

from fake_mailgun._api.common import _plain_urlencoded


def _starlette(body: bytes) -> list[tuple[str, str]]:
    async def stream() -> AsyncGenerator[bytes, None]:
        yield body
        yield b""

    headers = Headers({"content-type": "application/x-www-form-urlencoded"})
    form = asyncio.run(FormParser(headers, stream(), max_fields=100_000).parse())
    return [(k, v) for k, v in form.multi_items() if isinstance(v, str)]


BODIES = [
    urlencode({"from": "Bench <b@mg.example.test>", "to": "u@example.test", "text": "Code: 123456 ✓"}).encode(),
    b"a=1&a=2&b=", b"=x", b"a=b=c", b"a=%ZZ&b=%E2%9C%93&c=%FF", b"a+b=c+d", b"h%3AX-Y=1", b"x=" + b"y" * 5000,
]  # fmt: skip
OTHERS = [b"", b"a", b"a=1&&b=2", b"a=1&", b"&a=1", b"a=1;b=2", b"a=\xc3\xa9", b"a b=c", b"a=1&b"]


@pytest.mark.parametrize("body", BODIES)
def test_a_plain_body_reads_as_starlette_reads_it(body: bytes) -> None:
    assert _plain_urlencoded(body) == _starlette(body)


@pytest.mark.parametrize("body", OTHERS)
def test_any_other_body_is_left_to_starlette(body: bytes) -> None:
    assert _plain_urlencoded(body) is None


@settings(max_examples=300, deadline=None)
@given(st.binary().map(bytes) | st.text("ab=&%+;2Fe.~ *\xe9").map(str.encode))
def test_random_bodies_read_alike_or_are_left_to_starlette(body: bytes) -> None:
    plain = _plain_urlencoded(body)
    assert plain is None or plain == _starlette(body)

"""The directly written MIME of an API send is, to the byte, what the stdlib generator writes for it; plain
addresses are read as ``getaddresses`` reads them (the two shortcuts of fake_mailgun's intake, issue 20)."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import getaddresses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_mailgun._addresses import parse_addresses
from fake_mailgun._compose import _generated, _top_headers, _written, compose_mime
from fake_mailgun._message import Attachment

DATE = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ANN = ("Ann Lee", "ann@example.test")


def _both(
    **send: Any,
) -> tuple[tuple[bytes, list[tuple[str, str]]] | None, tuple[bytes, list[tuple[str, str]]]]:
    """(the direct writer's answer or None, the generator's), the multipart boundary drawn alike."""
    fields: dict[str, Any] = {
        "sender": "Shop <shop@mg.example.test>",
        "to": [ANN],
        "cc": [],
        "subject": "123456 is your code",
        "text": "Your code is 123456.",
        "html": "",
        "headers": [],
        "message_id": "20261102100000.abc@mg.example.test",
    } | send
    shown, written = _top_headers(
        fields["sender"],
        fields["to"],
        fields["cc"],
        fields["subject"],
        DATE,
        fields["message_id"],
        fields["headers"],
    )
    random.seed(7)
    direct = _written(list(shown), list(written), fields["text"], fields["html"])
    random.seed(7)
    return direct, _generated(list(shown), list(written), fields["text"], fields["html"], [])


WRITTEN_DIRECTLY = [
    {},
    {"html": "<p>Your code is <b>123456</b></p>"},
    {"text": "line one\nline two\n", "html": "<p>x</p>\n"},
    {"text": "crlf\r\nand cr\rend", "html": "<p>é — “quotes” 😀</p>"},
    {"text": "x" * 200 + "\n" + "=" * 90 + " trailing space \n.\nFrom me"},
    {"text": "Zoé a écrit: ça coûte 3 €", "subject": "Bonjour"},
    {"text": ""},
    {"to": [ANN, ("", "bob@example.test")], "cc": [("Carol", "carol@example.test")]},
    {
        "sender": "noreply@mg.example.test",
        "headers": [("X-Mailgun-Tag", "signup"), ("Reply-To", "help@mg.example.test")],
    },
    {"subject": "", "headers": [("X-Empty", "")]},
    {"subject": "s" * 69},  # "Subject: " + 69 = 78: the longest line written as it is
]
GENERATED = [
    {"subject": "s" * 70},  # 79: refolded
    {"subject": "Votre code : 123456 — é"},
    {"subject": "tab\there"},
    {"sender": "Zoé <zoe@mg.example.test>"},
    {"to": [("Doe, John", "john@example.test")], "text": "t", "html": "h"},
    {"headers": [("Content-Type", "text/x")]},
    {"headers": [("X-Long", "v" * 80)]},
]


@pytest.mark.parametrize("send", WRITTEN_DIRECTLY)
def test_the_direct_writer_writes_the_generators_bytes(send: dict[str, Any]) -> None:
    direct, generated = _both(**send)
    assert direct is not None
    assert direct == generated


@pytest.mark.parametrize("send", GENERATED)
def test_other_shapes_go_through_the_generator(send: dict[str, Any]) -> None:
    direct, _generated_answer = _both(**send)
    if direct is not None:  # a name that only needs quoting may still be written directly: then alike
        assert direct == _generated_answer


def test_attachments_go_through_the_generator() -> None:
    attachment = Attachment("a.txt", "text/plain", b"hello", "attachment")
    raw, headers = compose_mime(
        sender="s@mg.example.test", to=[ANN], cc=[], subject="s", text="t", html="", headers=[],
        attachments=[attachment], message_id="m@mg.example.test", date=DATE,
    )  # fmt: skip
    assert b"multipart/mixed" in raw
    assert b'filename="a.txt"' in raw
    assert ("Content-Type", "multipart/mixed") in headers


body_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
header_text = st.text(
    st.characters(min_codepoint=1, max_codepoint=0x2FF, exclude_categories=("Cs",)), max_size=90
)
names = st.sampled_from(["", "Ann", "Ann Lee", "Zoé", "J. Doe", "Doe, John"])


@settings(max_examples=300, deadline=None)
@given(text=body_text, html=body_text, subject=header_text, name=names, extra=header_text)
def test_random_sends_are_written_alike(text: str, html: str, subject: str, name: str, extra: str) -> None:
    direct, generated = _both(
        text=text or "t",
        html=html,
        subject=subject,
        to=[(name, "ann@example.test")],
        headers=[("X-Extra", extra)],
    )
    if direct is not None:
        assert direct == generated


ADDRESSES = [
    "a@b.c", "user@example.test", "x+y@localhost", "a'b@c.d", "{a}@b", "a@b.", "a..b@c", ".a@b", "a@b..c",
    "Ann <a@example.test>", "Ann Lee <a@example.test>", "A-B_C 9 <a.b@c-d.e>", "Ann  Lee <a@example.test>",
    " a@b.c", "a@b.c ", "Ann <a@b.c> ", "<a@b.c>", "Ann<a@b.c>", '"Ann" <a@b.c>', "Ann (x) <a@b.c>",
    "a@b.c, d@e.f", "Zoé <z@e.f>", "J. Doe <j@d.e>", "", "not an address", "a@", "@b", "a@b@c",
]  # fmt: skip


@pytest.mark.parametrize(
    "values", [[a] for a in ADDRESSES] + [ADDRESSES[:6], ADDRESSES[9:14], ["a@b.c", '"x']]
)
def test_plain_addresses_read_as_getaddresses_reads_them(values: list[str]) -> None:
    assert parse_addresses(values) == getaddresses(values)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("ab.@<> ,\"'+-_9"), max_size=20), min_size=1, max_size=3))
def test_random_addresses_read_as_getaddresses_reads_them(values: list[str]) -> None:
    assert parse_addresses(values) == getaddresses(values)

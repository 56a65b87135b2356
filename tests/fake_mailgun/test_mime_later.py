"""Mail for the mailbox only is parsed on its first read: whether it has a Message-Id is answered without
the parser, and only "yes" when the parser agrees (``fake_mailgun._mime_later``, issue 20)."""

from __future__ import annotations

import dataclasses
import email
import email.policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_mailgun._message import parse_mime
from fake_mailgun._mime_later import has_message_id, parse_later


def _parser_finds_one(raw: bytes) -> bool:
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    return bool(str(msg.get("Message-Id", "")).strip().strip("<>"))


WITH_ID = [
    b"From: a@b.c\r\nMessage-ID: <x@y>\r\n\r\nbody",
    b"Subject: s\r\n  folded\r\nmessage-id:<x@y>\r\n\r\n",
    b"Message-Id: x\n\nbody",
    b"X: 1\rMessage-Id: <a>\r\r",
]
UNSURE = [
    b"",
    b"\r\nMessage-Id: <x@y>\r\n",  # in the body
    b"From a@b.c Mon Jan 1 00:00:00 2026\r\nMessage-Id: <x@y>\r\n\r\n",  # a Unix From line first
    b"Message-Id:\r\n <x@y>\r\n\r\n",  # the id on a continuation line
    b"Message-Id: <>\r\n\r\n",
    b" folded first\r\nMessage-Id: <x@y>\r\n\r\n",
    b"Bad line\r\nMessage-Id: <x@y>\r\n\r\n",
    b"Message-Id : <x@y>\r\n\r\n",
    b"Subject: no id\r\n\r\n",
]


@pytest.mark.parametrize("raw", WITH_ID)
def test_an_id_the_parser_finds_is_found(raw: bytes) -> None:
    assert has_message_id(raw)
    assert _parser_finds_one(raw)


@pytest.mark.parametrize("raw", UNSURE)
def test_anything_else_is_left_to_the_parser(raw: bytes) -> None:
    assert not has_message_id(raw)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([b"Message-Id: <a@b>", b"message-id:", b"Message-ID: <>", b" <c@d>", b"From x",
                         b"X-A: 1", b"", b":x", b"\t", b"Subject: s", b"no colon", b"Message-Id:\x85"]),
        max_size=6,
    ),
    st.sampled_from([b"\r\n", b"\n", b"\r"]),
)  # fmt: skip
def test_a_yes_is_always_the_parsers_yes(lines: list[bytes], end: bytes) -> None:
    raw = end.join(lines) + end + end + b"body"
    if has_message_id(raw):
        assert _parser_finds_one(raw)


def test_a_message_parsed_later_reads_as_one_parsed_now() -> None:
    raw = (
        b"From: Ann <a@example.test>\r\nTo: b@example.test\r\nSubject: Code 123456\r\nMessage-Id: <m@x>\r\n"
        b'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n'
        b'--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="a.pdf"\r\n\r\n%PDF\r\n--b--\r\n'
    )
    later, now = parse_later(raw), parse_mime(raw)
    assert later.message_id == "m@x"
    assert dataclasses.asdict(later) == dataclasses.asdict(now)

"""fake_mailgun's message record: display names written back into headers, addresses read out of them."""

from __future__ import annotations

from email.utils import getaddresses

import pytest

from fake_mailgun._message import display_address, parse_mime


@pytest.mark.parametrize(
    "name",
    [
        "Doe, John",
        'Ann "The Boss" Lee',
        "back\\slash",
        "J. Doe",
        "Ann (work)",
        "=?utf-8?q?x?=",
        "a\tb",
        "Zoé",
    ],
)
def test_a_display_name_reads_back_as_written(name: str) -> None:
    shown = display_address(name, "a@example.test")
    assert getaddresses([shown]) == [(name, "a@example.test")]
    assert getaddresses([f"{shown}, b@example.test"])[1] == ("", "b@example.test")


def test_a_plain_name_is_not_quoted() -> None:
    assert display_address("Ann Lee", "a@example.test") == "Ann Lee <a@example.test>"
    assert display_address("", "a@example.test") == "a@example.test"


def test_addresses_inside_one_encoded_word_are_still_found() -> None:
    """Some senders encode a whole ``Name <addr>`` as one encoded-word (non-conforming, seen in the wild)."""
    raw = b"From: x@example.test\r\nTo: =?utf-8?b?Wm/DqSA8YUBiLnRlc3Q+?=\r\nSubject: s\r\n\r\nbody\r\n"
    assert parse_mime(raw).to == ["a@b.test"]

"""fake_mailgun's SMTP session reads a MAIL/RCPT path as aiosmtpd reads it (issue 20's shortcut for the
plain ``<local@domain>`` form in ``fake_mailgun._smtp.CaptureSMTP``)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_mailgun._smtp import CaptureSMTP


class _Handler:
    pass


# aiosmtpd makes an event loop for a session given none, and never closes it: give them one, closed after.
LOOP = asyncio.new_event_loop()
OURS = CaptureSMTP(_Handler(), loop=LOOP)
THEIRS = SMTP(_Handler(), loop=LOOP)
PATHS = [
    "<a@b.c>", "<bench@example.test>", "<a.b+c@x-y.z> SIZE=100 BODY=8BITMIME", "<a@b.c>  SIZE=1", "<a@b.c> (x)",
    "<a@b.c>\tX", "<a@b.c> ", "<>", "a@b.c", " <a@b.c>", "<a@b>", "<a..b@c.d>", "<.a@b.c>", "<a@b..c>", "<a@-b.c>",
    '<"a b"@c.d>', "<a@[127.0.0.1]>", "<zoé@example.test>", "<a@b.c", "<a@b.c>x", "<@r:a@b.c>", "",
]  # fmt: skip


@pytest.fixture(scope="module", autouse=True)
def _close_the_loop() -> Iterator[None]:
    yield
    LOOP.close()


def _outcome(session: SMTP, path: str) -> object:
    """What ``_getaddr`` answers, or the exception it raises (aiosmtpd lets the stdlib's IndexError out
    for a lone ``<``: the same either way)."""
    try:
        return SMTP._getaddr(session, path) if session is THEIRS else session._getaddr(path)
    except Exception as exc:
        return type(exc)


@pytest.mark.parametrize("path", PATHS)
def test_a_path_reads_as_aiosmtpd_reads_it(path: str) -> None:
    assert _outcome(OURS, path) == _outcome(THEIRS, path)


def test_a_local_part_over_the_limit_is_still_refused() -> None:
    limited = CaptureSMTP(_Handler(), loop=LOOP)
    limited.local_part_limit = 3
    assert limited._getaddr("<abcd@b.c>") == (None, None)
    assert limited._getaddr("<abc@b.c>") == ("abc@b.c", "")


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from('<>ab.@ -+(\t)=S9"é'), max_size=24))
def test_random_paths_read_as_aiosmtpd_reads_them(path: str) -> None:
    assert _outcome(OURS, path) == _outcome(THEIRS, path)

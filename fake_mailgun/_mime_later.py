"""SMTP mail read when someone first asks, not when it arrives.

Mail without a sending domain only reaches the mailbox: nothing at intake reads its fields — the waiters
match envelope recipients, the SMTP reply names the mailbox id — except whether it has a Message-Id (one
is added when it has none, as Mailgun adds it). :func:`has_message_id` answers that from the header lines
without the parser, and :func:`parse_later` gives a :class:`.ParsedMime` that runs :func:`.parse_mime` on
the first read of any field (the mailbox API, the inbox, a wait answering with the message), once.

``has_message_id`` only answers "yes" when the stdlib parser (``compat32``, as :func:`.parse_mime` reads)
would find a non-empty ``Message-Id``: every line before it a header line (a name of printable ASCII but
the colon, then a colon; or a continuation after one), its value holding a character that stripping
spaces and angle brackets leaves. Anything else — a Unix ``From`` line, a malformed line, an id on a
continuation line — answers "not sure", and the intake parses the message then, as before.
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from ._message import ParsedMime, parse_mime

_LINES = re.compile(rb"\r\n|\r|\n")  # the parser's line ends (email.feedparser)
_FIELD = re.compile(rb"([!-9;-~]+):")  # a header's first line (email.feedparser.headerRE, a name required)
_ID_CHARACTER = re.compile(rb"[!-;=?-~]")  # printable, neither "<" nor ">"
_HEADER_BLOCK_LIMIT = 64 * 1024  # where to stop looking: the id is near the top


def has_message_id(raw: bytes) -> bool:
    """True when the parser would read a non-empty Message-Id out of ``raw`` (False: unknown)."""
    for number, line in enumerate(_LINES.split(raw[:_HEADER_BLOCK_LIMIT])):
        if line[:1] in (b" ", b"\t") and number:
            continue  # a folded header's continuation
        found = _FIELD.match(line)
        if found is None:
            return False  # the end of the header lines (or a line the parser would judge)
        if found[1].lower() == b"message-id":
            return _ID_CHARACTER.search(line, found.end()) is not None
    return False


class _ParsedOnFirstRead(ParsedMime):
    """A :class:`ParsedMime` whose fields are read out of ``raw`` when the first of them is asked for."""

    def __init__(self, raw: bytes) -> None:  # the fields are set by the parse, not by the caller
        object.__setattr__(self, "_raw", raw)

    def __getattr__(self, name: str) -> Any:  # only called for what is not set yet: the fields
        if name.startswith("__") or name == "_raw":
            raise AttributeError(name)
        parsed = parse_mime(self._raw)
        for each in fields(ParsedMime):
            object.__setattr__(self, each.name, getattr(parsed, each.name))
        return object.__getattribute__(self, name)


def parse_later(raw: bytes) -> ParsedMime:
    """``parse_mime(raw)``, run on the first read of any field."""
    return _ParsedOnFirstRead(raw)

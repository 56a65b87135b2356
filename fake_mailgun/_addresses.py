"""Address lists read as ``email.utils.getaddresses`` reads them, without its parser for the plain forms.

Every API send reads its ``from``/``to``/``cc``/``bcc`` fields and writes them back into headers; the stdlib's
address parser is a character-by-character Python loop, so the two forms nearly every caller sends — a bare
``local@domain`` and ``Plain Name <local@domain>`` (atoms only: no quotes, comments, commas, dots in the
name) — are read by one regular expression instead. Their answer is the pair ``getaddresses`` gives for them
(tests/fake_mailgun/test_send_mime.py compares the two on a corpus); anything else goes to ``getaddresses``.
"""

from __future__ import annotations

import re
from email.utils import getaddresses

Pair = tuple[str, str]  # (display name, address)

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_ADDRESS = rf"{_ATOM}(?:\.{_ATOM})*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_PLAIN = re.compile(rf"(?:([A-Za-z0-9_-]+(?: [A-Za-z0-9_-]+)*) <({_ADDRESS})>|({_ADDRESS}))")


def parse_addresses(values: list[str]) -> list[Pair]:
    """``getaddresses(values)``: the (name, address) pairs of header-style values."""
    found: list[Pair] = []
    for value in values:
        match = _PLAIN.fullmatch(value)
        if match is None:
            return getaddresses(values)
        name, addr, bare = match.groups()
        found.append(("", bare) if bare else (name, addr))
    return found

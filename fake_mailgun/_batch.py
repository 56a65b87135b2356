"""Batch sending: one API call, one copy per ``to`` recipient, personalised with recipient variables.

Follows ``user_manual.rst``, "Batch Sending" and "Template Variables": with ``recipient-variables`` each
``to`` address gets its own copy showing only itself in ``To``; ``%recipient.key%`` is that recipient's
value and ``%recipient%`` its full spec (``Bob <bob@example.com>``, "for using as value for the To MIME
header"). Mailgun substitutes them in the subject, the text, HTML and AMP bodies (a rendered template's
too), the ``h:`` headers and the ``v:`` variables ("Attaching Data to Messages": a
``v:recipient-id=%recipient.id%`` comes back per recipient). A placeholder naming a key the recipient
lacks is left as written. The send is still one message: one Message-Id, whose events list every
recipient. An address given twice is one recipient.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ._message import display_address

Pair = tuple[str, str]  # (display name, address), as email.utils.getaddresses gives them
_KEY = re.compile(r"%recipient\.([^%\s]+)%")


def unique(pairs: list[Pair], seen: set[str] | None = None) -> list[Pair]:
    """``pairs`` without repeated addresses (compared case-insensitively; the first spelling wins);
    ``seen`` carries the addresses of earlier fields (to before cc before bcc) and is updated."""
    seen = set() if seen is None else seen
    kept = []
    for name, addr in pairs:
        if addr.lower() not in seen:
            seen.add(addr.lower())
            kept.append((name, addr))
    return kept


def _as_text(value: Any) -> str:
    """A recipient variable as it appears in text: strings as they are, anything else as JSON (123 → 123)."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class Recipient:
    """One batch recipient: its spec and its variables, and what they make of a text."""

    def __init__(self, pair: Pair, values: dict[str, Any]) -> None:
        self.pair = pair
        self.values = values
        self.spec = display_address(*pair)

    def fill(self, text: str) -> str:
        if "%recipient" not in text:
            return text
        text = text.replace("%recipient%", self.spec)
        return _KEY.sub(lambda m: _as_text(self.values[m[1]]) if m[1] in self.values else m[0], text)

    def fill_headers(self, headers: list[Pair]) -> list[Pair]:
        return [(name, self.fill(value)) for name, value in headers]

    def fill_variables(self, variables: dict[str, Any]) -> dict[str, Any]:
        return {k: self.fill(v) if isinstance(v, str) else v for k, v in variables.items()}


def recipients(to: list[Pair], variables: dict[str, Any]) -> list[Recipient]:
    """The copies of a batch: one per ``to`` address, with its variables (none when it has none)."""
    found = []
    for pair in to:
        values = variables.get(pair[1])
        found.append(Recipient(pair, values if isinstance(values, dict) else {}))
    return found

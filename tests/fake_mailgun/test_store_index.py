"""The mailbox's reads by recipient (an index kept by ``add``) answer what a scan of every message answers,
and a message's JSON rendered at once is the body FastAPI's encoder would give (issue 20)."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi.encoders import jsonable_encoder
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.responses import JSONResponse

from fake_mailgun._message import CapturedMessage, ParsedMime
from fake_mailgun._store import LATEST, Mailbox

ADDRESSES = ["a@example.test", "A@Example.test", "b@example.test", " c@example.test"]


def _message(recipients: list[str], message_id: str = "m@x") -> CapturedMessage:
    parsed = ParsedMime("s@x", recipients, [], "Code 123456", "t", "", [], [], message_id, [])
    return CapturedMessage(source="api", parsed=parsed, raw=b"", recipients=recipients, received_at=0.0)


def _scan_for(every: list[CapturedMessage], to: str | None) -> list[CapturedMessage]:
    """The messages to ``to``, oldest first, as a scan of every message finds them."""
    key = to.strip().lower() if to is not None else None
    return [m for m in every if key is None or any(r.lower() == key for r in m.recipients)]


sends = st.lists(
    st.tuples(
        st.lists(st.sampled_from(ADDRESSES), min_size=1, max_size=3), st.booleans(), st.sampled_from("mn")
    ),
    max_size=12,
)


@settings(max_examples=150, deadline=None)
@given(sends, st.sampled_from([None, *ADDRESSES, "nobody@example.test"]), st.integers(0, 14))
def test_reads_by_recipient_match_a_scan(
    sent: list[tuple[list[str], bool, str]], to: str | None, after: int
) -> None:
    mailbox = Mailbox(lambda: 0.0)
    every = [mailbox.add(_message(list(r), f"{mid}@x"), failed=failed) for r, failed, mid in sent]
    mine = _scan_for(every, to)
    assert mailbox.messages(to) == mine[::-1]
    if mine:
        assert mailbox.get(LATEST, to) is mine[-1]
    wanted = next((m for m in reversed(mine) if m.parsed.message_id == "m@x"), None)
    if wanted is not None:
        assert mailbox.get("<m@x>", to) is wanted
    delivered = [m for m in mine if m.status == "delivered"]
    newest = asyncio.run(mailbox.wait(to, None, 0))
    assert newest is (delivered[-1] if delivered else None)
    first_after = asyncio.run(mailbox.wait(to, after, 0))
    assert first_after is next((m for m in delivered if m.seq > after), None)


def test_clear_forgets_the_index_too() -> None:
    mailbox = Mailbox(lambda: 0.0)
    mailbox.add(_message(["a@example.test"]))
    mailbox.clear()
    assert mailbox.messages("a@example.test") == []
    added = mailbox.add(_message(["A@example.test"]))
    assert mailbox.messages("a@example.test") == [added]


def test_a_message_rendered_at_once_is_the_encoders_body() -> None:
    message = _message(["a@example.test"])
    message.template = {
        "name": "t",
        "version": "v1",
        "variables": {"n": [1, 2.5, None, {"x": "é"}], "b": True},
    }
    message.variables = {"k": "v", "nested": {"list": ["a", 1]}}
    message.options = {"testmode": True, "deliverytime": "Fri, 14 Oct 2011 23:10:10 -0000"}
    body: dict[str, Any] = message.to_json()
    assert JSONResponse(body).body == JSONResponse(jsonable_encoder(body)).body

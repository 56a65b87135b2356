"""What the mailbox's hot control routes answer — health, the message list, the server-side wait, one
message, emptying the mailbox — without FastAPI: the documented routes (:mod:`._control`) answer through
these, and so does the light front (:mod:`._front`) that serves them at start.

The front reads a query only when it is plain (:func:`plain_limit`, :func:`plain_timeout`): a value the
documented route's validation would take exactly as written and within its bounds. Any other query —
absent values aside — goes to the documented route, which validates it as it always did (and refuses it
in the control API's shape), so an answer never depends on which of the two served it.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.datastructures import QueryParams
from starlette.responses import JSONResponse, Response

from fakekit import ControlError

from ._message import CapturedMessage
from ._state import State
from ._store import BadPosition, UnknownMessage

MAX_WAIT_SECONDS = 300.0
DEFAULT_WAIT_SECONDS = 30.0
DEFAULT_LIMIT = 50
MAX_LIMIT = 10_000
_WHOLE = re.compile(r"[1-9][0-9]{0,4}")  # no sign, no leading zero, no separator: int() as pydantic
_DECIMAL = re.compile(r"[0-9]{1,6}(?:\.[0-9]{1,9})?")  # plain decimal notation: float() as pydantic


def health(state: State) -> dict[str, Any]:
    return {"status": "ok", "domains": list(state.settings.domains)}


def listing(state: State, to: str | None, limit: int) -> dict[str, Any]:
    found = state.mailbox.messages(to)
    return {"items": [m.to_json() for m in found[:limit]], "total": len(found)}


def message(state: State, message_id: str, to: str | None) -> CapturedMessage:
    try:
        return state.mailbox.get(message_id, to)
    except UnknownMessage as exc:
        raise ControlError(404, "not_found", str(exc)) from exc


def answer(message: CapturedMessage) -> Response:
    """A message as JSON, rendered at once: its JSON is made of JSON types only, so FastAPI's encoder
    walking it first (what a returned dict costs) would give the same body."""
    return JSONResponse(message.to_json())


async def wait(state: State, to: str | None, after: str | None, timeout: float) -> Response:
    """The first message to ``to`` newer than ``after`` (without ``after``: the newest message to ``to``,
    if any, at once), waiting up to ``timeout`` s; 408 on timeout. Waiters are woken by the store."""
    mailbox = state.mailbox
    try:
        after_seq = mailbox.position(after, to) if after else None
    except BadPosition as exc:
        raise ControlError(400, "invalid_after", str(exc)) from exc
    found = await mailbox.wait(to, after_seq, timeout)
    if found is None:
        who = f"to {to}" if to else "at all"
        since = f" after {after}" if after else ""
        raise ControlError(408, "timeout", f"no message {who}{since} arrived within {timeout:g} s")
    return answer(found)


def clear(state: State) -> dict[str, Any]:
    return {"deleted": state.mailbox.clear()}


def plain_limit(query: QueryParams) -> int | None:
    """The list's ``limit`` (default 50) when it is a plain whole number in 1..10000, else None."""
    text = query.get("limit")
    if text is None:
        return DEFAULT_LIMIT
    if not _WHOLE.fullmatch(text) or int(text) > MAX_LIMIT:
        return None
    return int(text)


def plain_timeout(query: QueryParams) -> float | None:
    """The wait's ``timeout`` (default 30 s) when it is a plain decimal in (0, 300], else None."""
    text = query.get("timeout")
    if text is None:
        return DEFAULT_WAIT_SECONDS
    if not _DECIMAL.fullmatch(text) or not 0 < float(text) <= MAX_WAIT_SECONDS:
        return None
    return float(text)

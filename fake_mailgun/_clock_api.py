"""``/__harness/clock``: read and advance the instance clock (:mod:`._clock`), the same contract as
fake_logto's tenant clock. Advancing delivers every scheduled message that has come due before it
answers, so a test can send with ``o:deliverytime`` one hour ahead, advance 3600 s and wait for the mail.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from fakekit import ControlError, ErrorBody

from . import paths
from ._state import State

router = APIRouter(
    tags=["mailbox control"], responses={"4XX": {"model": ErrorBody, "description": "A control error"}}
)


class ClockState(BaseModel):
    offset: float = Field(description="seconds the instance clock runs ahead of real time")
    now: float = Field(description="the instance clock's time, epoch seconds")
    scheduled: int = Field(description="messages waiting for their delivery time")


class ClockAdvance(BaseModel):
    advance: float = Field(allow_inf_nan=False, description="seconds to move the clock (negative: back)")


def _state(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


def _answer(state: State) -> dict[str, Any]:
    return {"offset": state.clock.offset, "now": state.clock.now(), "scheduled": len(state.scheduler)}


@router.get(paths.CLOCK, summary="The instance clock", response_model=ClockState)
async def get_clock(request: Request) -> dict[str, Any]:
    return _answer(_state(request))


@router.post(paths.CLOCK, summary="Advance the instance clock", response_model=ClockState)
async def advance_clock(request: Request, body: ClockAdvance) -> dict[str, Any]:
    """Move the clock, e.g. ``{"advance": 3600}``; scheduled messages that come due are delivered
    (events, webhooks, mailbox) before the answer, which is the clock as ``GET`` shows it."""
    state = _state(request)
    try:
        state.clock.advance(body.advance)
    except ValueError as exc:
        raise ControlError(400, "invalid_request", str(exc)) from exc
    return _answer(state)

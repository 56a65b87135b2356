"""``/__harness/clock``: read and advance the instance clock (:mod:`._clock`), the same contract as
fake_logto's tenant clock (``{"advance": s}``, negative moves it back; ``offset`` and ``now`` answered).
Advancing runs every job that has come due before it answers — scheduled messages are delivered, failed
webhook posts retried (their answers awaited) — so a test can send with ``o:deliverytime`` one hour ahead,
advance 3600 s and wait for the mail, or advance 10 minutes and see the retry.
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
    pending: list[float] = Field(
        description="when the jobs still waiting (scheduled deliveries, webhook retries) are due, soonest first"
    )


class ClockAdvance(BaseModel):
    advance: float = Field(allow_inf_nan=False, description="seconds to move the clock (negative: back)")


def _state(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


def _answer(state: State) -> dict[str, Any]:
    clock = state.clock
    return {
        "offset": clock.offset,
        "now": clock.now(),
        "scheduled": len(clock.pending("delivery")),
        "pending": clock.pending(),
    }


@router.get(paths.CLOCK, summary="The instance clock and the jobs waiting on it", response_model=ClockState)
async def get_clock(request: Request) -> dict[str, Any]:
    return _answer(_state(request))


@router.post(paths.CLOCK, summary="Advance the instance clock; run what comes due", response_model=ClockState)
async def advance_clock(request: Request, body: ClockAdvance) -> dict[str, Any]:
    """Move the clock, e.g. ``{"advance": 3600}``. The webhook posts under way are answered first (so
    their retries are on the clock), then every job due by the new time runs in time order — scheduled
    messages delivered (events, webhooks, mailbox), failed webhooks retried — and their posts are answered
    before the answer, which is the clock as ``GET`` shows it."""
    state = _state(request)
    await state.webhooks.settle()
    try:
        await state.clock.advance(body.advance)
    except ValueError as exc:
        raise ControlError(400, "invalid_request", str(exc)) from exc
    await state.webhooks.settle()
    return _answer(state)

"""Fault injection: make the next sends fail or slow down, as a flaky Mailgun would.

A fault rule applies to one intake (``api`` sends, ``smtp`` deliveries) — or to ``delivery``: the send is
accepted but the message then fails to deliver (a ``failed`` event, 4xx temporary / 5xx permanent) — for
the next ``count`` sends or
a ``rate`` fraction of them (or every send until cleared), answering ``status`` and/or adding
``latency_ms``. What each status looks like on the wire is one table (:data:`_API_ANSWERS`), in Mailgun's
own words (``reference/mailgun.md``; ``api-sending.rst``, "Error codes" and "Rate Limits").

Mailgun's rate limits answer ``Domain {d} is not allowed to send: {why} limit exceeded, try again after
{RFC 1123 date}`` where ``why`` is ``request``, ``recipient`` or ``bytes`` (``api-sending.rst``). The
documentation lists them under 429; api.mailgun.net answers the recipient limit with status **420**
(mailgun/mailgun-java#50, TryGhost/Ghost#15725: ``420 … recipient limit exceeded, try again after …``).
A fault picks the status and, with ``limit``, the reason: 429 defaults to ``request``, 420 to
``recipient``. Both carry ``Retry-After`` (the Python SDK honours it on a 429).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any, Literal

from fakekit import Rule, RuleBook

from ._errors import MailgunError

Target = Literal["api", "smtp", "delivery"]
Limit = Literal["request", "recipient", "bytes"]
LIMITS = ("request", "recipient", "bytes")
_DEFAULT_LIMIT: dict[int, Limit] = {429: "request", 420: "recipient"}


def rate_limited(status: int, domain: str, retry_after: int, now: float, limit: str | None) -> MailgunError:
    """Mailgun's rate-limit answer: ``status`` (429 or 420) for the ``limit`` that was exceeded."""
    # Mailgun writes the date as RFC 1123 with "UTC" (api-sending.rst: "try again after Mon, 20 Dec 2021
    # 20:33:21 UTC"), not the "GMT" of HTTP dates.
    when = datetime.fromtimestamp(now + retry_after, UTC).strftime("%a, %d %b %Y %H:%M:%S UTC")
    why = limit or _DEFAULT_LIMIT.get(status, "request")
    return MailgunError(
        status,
        f"Domain {domain} is not allowed to send: {why} limit exceeded, try again after {when}",
        headers={"Retry-After": str(retry_after)},
    )


def _phrase(status: int) -> str | None:
    """The standard reason phrase of an HTTP status, or None for a status HTTP does not name (420)."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


def _plain(status: int) -> Callable[[str, int, float], MailgunError]:
    return lambda _domain, _retry, _now: MailgunError(status, _phrase(status) or "Error", plain=True)


_API_ANSWERS: dict[int, Callable[[str, int, float], MailgunError]] = {
    401: lambda _d, _r, _n: MailgunError(401, "Forbidden", plain=True),
    500: _plain(500),
    502: _plain(502),
    503: _plain(503),
    504: _plain(504),
}

_SMTP_DEFAULT_TEXT = {
    421: "Service not available, closing transmission channel",
    450: "Requested mail action not taken: mailbox unavailable",
    451: "Requested action aborted: local error in processing",
    452: "Requested action not taken: insufficient system storage",
    550: "Requested action not taken: mailbox unavailable",
    552: "Requested mail action aborted: exceeded storage allocation",
    554: "Transaction failed",
}
MAX_RETRY_AFTER = 86_400  # a day: Retry-After dates past that are no test's business


def _problem(spec: dict[str, Any]) -> str | None:
    """What is wrong with a fault rule, if anything — checked when it is added, so that no rule can turn a
    send into an answer the server cannot give."""
    target, status, message = spec.get("target", "api"), spec.get("status"), spec.get("message")
    if target not in ("api", "smtp", "delivery"):
        return "target must be 'api', 'smtp' or 'delivery'"
    if status is None and not spec.get("latency_ms"):
        return "a fault needs a status, a latency_ms, or both"
    if target == "delivery" and status is None:
        return "a delivery fault needs an SMTP status (4xx temporary, 5xx permanent)"
    if status is not None and not 400 <= status <= 599:
        if target == "api":
            return f"an api fault status must be an HTTP error status (400-599), got {status}"
        return f"an {target} fault status must be an SMTP error code (4xx or 5xx), got {status}"
    limit = spec.get("limit")
    if limit is not None and (target != "api" or status not in _DEFAULT_LIMIT):
        return "limit applies to an api fault with status 420 or 429"
    if limit is not None and limit not in LIMITS:
        return "limit must be 'request', 'recipient' or 'bytes'"
    if (
        target == "api"
        and status is not None
        and message is None
        and status not in _DEFAULT_LIMIT
        and _phrase(status) is None
    ):
        return f"status {status} is not a standard HTTP status: give a message to answer it with"
    if message is not None and any(ch in message for ch in "\r\n\x00"):
        return "message must be one line"
    retry_after = spec.get("retry_after", 0)
    if not 0 <= retry_after <= MAX_RETRY_AFTER:
        return f"retry_after must be between 0 and {MAX_RETRY_AFTER} seconds"
    return None


@dataclass(kw_only=True)
class Fault(Rule):
    """Where (``target``) and what (``status``, ``latency_ms``, …); the schedule is fakekit's :class:`Rule`."""

    target: Target = "api"
    status: int | None = None
    latency_ms: int = 0
    retry_after: int = 0
    message: str | None = None
    limit: Limit | None = None


@dataclass(frozen=True)
class Action:
    """What to do to one send: wait ``latency_ms``, then fail with ``status`` if set."""

    latency_ms: int = 0
    status: int | None = None
    retry_after: int = 0
    message: str | None = None
    limit: str | None = None

    def api_error(self, domain: str, now: float) -> MailgunError | None:
        if self.status is None:
            return None
        if self.message is not None:
            headers = {"Retry-After": str(self.retry_after)} if self.status in _DEFAULT_LIMIT else None
            return MailgunError(self.status, self.message, headers=headers)
        if self.status in _DEFAULT_LIMIT:
            return rate_limited(self.status, domain, self.retry_after, now, self.limit)
        answer = _API_ANSWERS.get(self.status, _plain(self.status))
        return answer(domain, self.retry_after, now)

    def smtp_text(self) -> str:
        return self.message or _SMTP_DEFAULT_TEXT.get(self.status or 0, "Rejected")

    def smtp_reply(self) -> str | None:
        if self.status is None:
            return None
        return f"{self.status} {self.smtp_text()}"


class Faults:
    def __init__(self) -> None:
        self._rules: RuleBook[Fault] = RuleBook()

    def add(self, **spec: Any) -> Fault:
        """A new rule; ``ValueError`` naming the problem when the rule could not be applied."""
        problem = _problem(spec)
        if problem is not None:
            raise ValueError(problem)
        return self._rules.add(Fault(**spec))

    def list(self) -> list[Fault]:
        return self._rules.list()

    def clear(self) -> None:
        self._rules.clear()

    def take(self, target: Target) -> Action | None:
        """The action for one send through ``target``, consuming a count-limited rule."""
        fault = self._rules.take(lambda rule: rule.target == target)
        if fault is None:
            return None
        return Action(fault.latency_ms, fault.status, fault.retry_after, fault.message, fault.limit)

    def take_delivery(self) -> tuple[int, str] | None:
        """``(smtp status, text)`` when the next accepted message is to fail delivery."""
        action = self.take("delivery")
        if action is None or action.status is None:
            return None
        return action.status, action.smtp_text()

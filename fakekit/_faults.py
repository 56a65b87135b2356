"""Fault rules, the part both fakes share: when a rule applies, and how a connection is dropped.

A fake's fault rule (fake_mailgun's ``_faults.Fault``, fake_logto's ``_faults.Fault``) is a :class:`Rule`
with fields of its own for *where* it applies and *what* it answers. The schedule is common: the next
``count`` matching requests, or a ``rate`` fraction of them (seeded with ``seed`` for a repeatable run),
or — neither — every one until the rules are cleared. :class:`RuleBook` keeps the rules in the order they
were added, thread-safe, and :meth:`RuleBook.take` hands out the first one that matches and is due,
forgetting a counted rule once it is spent.

:func:`drop_connection` closes the client's connection without an answer, as a crashed server or a
proxy that gives up would: the HTTP client sees the server disconnect before any response.
"""

from __future__ import annotations

import itertools
import random
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import asdict, dataclass, field
from typing import Any, Generic, TypeVar


@dataclass(kw_only=True)
class Rule:
    """The schedule of a fault rule; subclasses add where it applies and what it answers."""

    id: str = ""
    count: int | None = None
    rate: float | None = None
    seed: int | None = None
    applied: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False)

    def to_json(self) -> dict[str, Any]:
        body = asdict(self)
        body.pop("_random")
        body["remaining"] = None if self.count is None else self.count - self.applied
        return body


def schedule_problem(count: int | None, rate: float | None) -> str | None:
    """What is wrong with a rule's schedule, if anything."""
    if rate is not None and not 0 < rate <= 1:
        return "rate must be in (0, 1]"
    if count is not None and count < 1:
        return "count must be at least 1"
    return None


R = TypeVar("R", bound=Rule)


class RuleBook(Generic[R]):
    """The active rules of one fake, oldest first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rules: list[R] = []
        self._ids = itertools.count(1)

    def add(self, rule: R) -> R:
        """Keep ``rule`` (its schedule checked: ``ValueError`` naming the problem), with the next id."""
        problem = schedule_problem(rule.count, rule.rate)
        if problem is not None:
            raise ValueError(problem)
        if rule.seed is not None:
            rule._random.seed(rule.seed)
        with self._lock:
            rule.id = str(next(self._ids))
            self._rules.append(rule)
        return rule

    def list(self) -> list[R]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    def take(self, matches: Callable[[R], bool]) -> R | None:
        """The first rule that ``matches`` and is due this time (a ``rate`` rule draws its chance), counted
        as applied; a ``count`` rule is forgotten once spent."""
        with self._lock:
            for rule in self._rules:
                if not matches(rule):
                    continue
                if rule.rate is not None and rule._random.random() >= rule.rate:
                    continue
                rule.applied += 1
                if rule.count is not None and rule.applied >= rule.count:
                    self._rules.remove(rule)
                return rule
        return None


Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]


async def drop_connection(receive: Receive) -> bool:
    """Close the connection of the request ``receive`` belongs to, with no answer, then wait until the
    server has seen it go (so it does not answer a 500 for a request left unanswered). True when dropped;
    False when the server is not uvicorn (an in-process ASGI transport has no connection to drop): the
    caller answers something else then.

    ASGI has no way to drop a connection; uvicorn's ``receive`` is a method of the request's cycle, which
    holds the connection's transport (``uvicorn/protocols/http/*_impl.py``: ``RequestResponseCycle``)."""
    transport = getattr(getattr(receive, "__self__", None), "transport", None)
    if transport is None or not hasattr(transport, "close"):
        return False
    transport.close()
    while (await receive())["type"] != "http.disconnect":
        pass  # the rest of a request body, already read off the socket
    return True

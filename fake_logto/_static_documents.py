"""The tenant's static documents — discovery (``/oidc/.well-known/*``), JWKS (``/oidc/jwks``) and the sign-in
experience (``/api/.well-known/sign-in-exp``) — answered from pre-serialized bytes.

SDKs read these first and often; they change only when the tenant does. The first ``GET`` of one runs the
whole app (route, CORS, ETag, security headers, compression) and its final answer (status, headers, body)
is kept, keyed on everything of the request the answer can depend on (path, query, scheme, every request
header: ``Host`` picks the discovery's back-channel URLs, ``Origin`` the CORS headers, ``If-None-Match`` /
``Cache-Control`` a 304, ``Accept-Encoding`` the compression). Later identical requests get those bytes
without routing, handlers or JSON encoding; uvicorn adds ``date`` and ``server`` as for any answer.

Invalidation cannot be forgotten by a later change, because a kept answer is only served while nothing it
may have been built from has changed:

- every request that may change state (any method but ``GET``/``HEAD``/``OPTIONS``: the Management API,
  the Experience API, ``/__harness`` control such as reset and key rotation) bumps a generation, before
  and after it runs, and nothing is kept while one is in flight;
- in-process changes (the harness replacing ``tenant.config``; keys, endpoint or connector rows replaced;
  a key rotated or first made) are caught by the identity of those objects, compared with ``is`` against
  the ones the answer was built from;
- while any fault rule is in place (:mod:`._faults`) nothing is kept or served kept: a rule answers or
  delays some requests, counts them and is spent, none of which is a state change of the above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import paths

if TYPE_CHECKING:
    from ._tenant import Tenant

DOCUMENTS = frozenset({paths.DISCOVERY, paths.DISCOVERY_OAUTH, paths.JWKS, paths.SIGN_IN_EXP})
_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
_LIMIT = 64  # distinct requests kept (clients differ by headers); past it the table starts afresh


def _sources(tenant: Tenant) -> tuple[Any, ...]:
    """What a document is built from, as objects (compared by identity)."""
    return (
        tenant.config,
        tenant.keys,
        tenant.keys.keyring,  # a rotation; the key made by the first JWKS (discovery needs none)
        tenant.connectors.rows,
        tenant.endpoint,
        tenant.internal_url,
    )


class StaticDocuments:
    """ASGI middleware (outermost): the kept answers above."""

    def __init__(self, app: ASGIApp, tenant: Tenant) -> None:
        self.app, self.tenant = app, tenant
        self.generation = 0
        self.changing = 0  # state-changing requests in flight
        self.kept: dict[tuple[Any, ...], tuple[int, tuple[Any, ...], Message, Message]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method = scope["method"]
        if method not in _SAFE:
            self.generation += 1
            self.changing += 1
            try:
                await self.app(scope, receive, send)
            finally:
                self.changing -= 1
                self.generation += 1
            return
        if method != "GET" or scope["path"] not in DOCUMENTS or self.tenant.faults.list():
            await self.app(scope, receive, send)  # a fault rule's answer or delay is never kept nor skipped
            return
        key = (scope["path"], scope["query_string"], scope["scheme"], tuple(scope["headers"]))
        sources = _sources(self.tenant)
        entry = self.kept.get(key)
        if (
            entry is not None
            and entry[0] == self.generation
            and all(a is b for a, b in zip(entry[1], sources, strict=True))
        ):
            await send(entry[2])
            await send(entry[3])
            return
        await self._build(key, sources, scope, receive, send)

    async def _build(
        self, key: tuple[Any, ...], sources: tuple[Any, ...], scope: Scope, receive: Receive, send: Send
    ) -> None:
        generation = self.generation
        messages: list[Message] = []

        async def keeping(message: Message) -> None:
            messages.append(message)
            await send(message)

        await self.app(scope, receive, keeping)
        kept = (
            len(messages) == 2
            and messages[0]["type"] == "http.response.start"
            and messages[1]["type"] == "http.response.body"
            and not messages[1].get("more_body", False)
        )
        if kept and self.changing == 0 and generation == self.generation:
            if len(self.kept) >= _LIMIT:
                self.kept.clear()
            start = {**messages[0], "headers": list(messages[0].get("headers", []))}
            self.kept[key] = (generation, sources, start, messages[1])


__all__ = ["DOCUMENTS", "StaticDocuments"]

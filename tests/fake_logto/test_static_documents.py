"""Discovery, JWKS and the sign-in experience answered from kept bytes (``fake_logto/_static_documents.py``):
byte-identical to a built answer, and rebuilt whenever the tenant may have changed."""

from __future__ import annotations

import asyncio
import dataclasses
from types import SimpleNamespace
from typing import Any

import httpx

from fake_logto import Settings, SigningKey, serve_in_thread
from fake_logto._app import create_tenant
from fake_logto._static_documents import StaticDocuments

DISCOVERY = "/oidc/.well-known/openid-configuration"


def _without_date(response: httpx.Response) -> list[tuple[str, str]]:
    return [(k, v) for k, v in response.headers.multi_items() if k != "date"]


def test_kept_answers_are_the_built_ones_byte_for_byte() -> None:
    with serve_in_thread(Settings(port=0)) as logto, httpx.Client(base_url=logto.url) as http:
        for path in (DISCOVERY, "/oidc/.well-known/oauth-authorization-server", "/oidc/jwks",
                     "/api/.well-known/sign-in-exp"):  # fmt: skip
            for headers in ({}, {"origin": "http://app.test"}, {"accept-encoding": "gzip"}):
                first, again = http.get(path, headers=headers), http.get(path, headers=headers)
                built = http.get(path, headers={**headers, "x-unique": path})  # a new key: built afresh
                assert first.status_code == again.status_code == built.status_code == 200
                assert again.content == first.content == built.content
                assert _without_date(again) == _without_date(first)
                assert [h for h in _without_date(built) if h[0] != "x-unique"] == _without_date(first)
            tag = http.get(path).headers.get("etag")
            if path.startswith("/oidc"):
                for _ in range(2):
                    fresh = http.get(path, headers={"if-none-match": tag})
                    assert (fresh.status_code, fresh.content) == (304, b"")


def test_the_tenant_replaced_in_process_is_answered_at_once() -> None:
    with serve_in_thread(Settings(port=0)) as logto, httpx.Client(base_url=logto.url) as http:
        tenant = logto.tenant
        assert http.get("/api/.well-known/sign-in-exp").json()["signInMode"] == "SignInAndRegister"
        exp = dataclasses.replace(tenant.config.sign_in_experience, registration_enabled=False)
        tenant.config = dataclasses.replace(tenant.config, sign_in_experience=exp)
        assert http.get("/api/.well-known/sign-in-exp").json()["signInMode"] == "SignIn"

        old = http.get("/oidc/jwks").json()["keys"][0]["kid"]
        tenant.keys = SigningKey.generate()
        assert http.get("/oidc/jwks").json()["keys"][0]["kid"] == tenant.keys.kid != old

        tenant.config = tenant.configured
        assert http.get("/api/.well-known/sign-in-exp").json()["signInMode"] == "SignInAndRegister"


# --- the middleware alone, around an app that counts what it builds ---------------------------------------
class _Counting:
    def __init__(self) -> None:
        self.built = 0
        self.hold: asyncio.Event | None = None
        self.holding = asyncio.Event()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["method"] == "POST" and self.hold is not None:
            self.holding.set()
            await self.hold.wait()
        self.built += 1
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"x-built", b"%d" % self.built)]}
        )
        await send({"type": "http.response.body", "body": b"%d" % self.built})


def _tenant() -> SimpleNamespace:
    return SimpleNamespace(
        config=object(), keys=SimpleNamespace(keyring=["k1"]), connectors=SimpleNamespace(rows=[]),
        faults=SimpleNamespace(list=list),
        endpoint="http://localhost:3001", internal_url="",
    )  # fmt: skip


async def _call(
    middleware: StaticDocuments, method: str, path: str, headers: list[Any] | None = None
) -> bytes:
    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "scheme": "http",
             "headers": headers or [(b"host", b"localhost")]}  # fmt: skip
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b""}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await middleware(scope, receive, send)
    assert dict(sent[0]["headers"])[b"x-built"] == sent[1]["body"]
    body: bytes = sent[1]["body"]
    return body


def test_what_the_kept_answers_are_keyed_and_invalidated_on() -> None:
    async def main() -> None:
        app, tenant = _Counting(), _tenant()
        docs = StaticDocuments(app, tenant)  # type: ignore[arg-type]
        jwks = "/oidc/jwks"
        assert await _call(docs, "GET", jwks) == b"1"
        assert await _call(docs, "GET", jwks) == b"1"  # kept
        assert await _call(docs, "GET", jwks, [(b"host", b"other")]) == b"2"  # another request
        assert await _call(docs, "GET", "/oidc/auth") == b"3"  # not a static document
        assert await _call(docs, "GET", "/oidc/auth") == b"4"
        assert await _call(docs, "POST", "/api/anything") == b"5"  # may have changed the tenant
        assert await _call(docs, "GET", jwks) == b"6"
        assert await _call(docs, "GET", jwks) == b"6"
        for change in (
            lambda: setattr(tenant, "config", object()),
            lambda: setattr(tenant.keys, "keyring", ["k2"]),  # a rotation
            lambda: setattr(tenant, "keys", SimpleNamespace(keyring=["k2"])),
            lambda: setattr(tenant.connectors, "rows", []),
        ):
            change()
            rebuilt = await _call(docs, "GET", jwks)
            assert rebuilt == str(app.built).encode()
            assert await _call(docs, "GET", jwks) == rebuilt

        # Nothing is kept while a state-changing request is in flight.
        app.hold = asyncio.Event()
        posting = asyncio.create_task(_call(docs, "POST", "/api/anything"))
        await app.holding.wait()
        during = await _call(docs, "GET", "/api/.well-known/sign-in-exp")
        assert await _call(docs, "GET", "/api/.well-known/sign-in-exp") != during
        app.hold.set()
        await posting

    asyncio.run(main())


def test_a_real_tenants_answers_are_kept_until_its_keys_rotate() -> None:
    """Around a real tenant: its sources compare the same from one request to the next (its key's ``kid``, a
    thumbprint computed afresh on each call, once made every kept answer a miss); a new key is a change,
    and so is the first key made (by the first JWKS: discovery needs none)."""

    async def main() -> None:
        app, tenant = _Counting(), create_tenant(Settings(port=0))
        docs = StaticDocuments(app, tenant)
        assert await _call(docs, "GET", DISCOVERY) == b"1"
        assert await _call(docs, "GET", DISCOVERY) == b"1"
        assert tenant.keys.keyring is None
        assert tenant.keys.jwks()["keys"]
        assert await _call(docs, "GET", DISCOVERY) == b"2"  # the key made: rebuilt once
        assert await _call(docs, "GET", DISCOVERY) == b"2"
        tenant.keys.rotate()
        assert await _call(docs, "GET", DISCOVERY) == b"3"
        assert await _call(docs, "GET", DISCOVERY) == b"3"

    asyncio.run(main())


def test_nothing_is_kept_while_a_fault_rule_is_in_place() -> None:
    async def main() -> None:
        app, tenant = _Counting(), _tenant()
        tenant.faults = SimpleNamespace(list=lambda: ["a rule"])
        docs = StaticDocuments(app, tenant)  # type: ignore[arg-type]
        assert await _call(docs, "GET", DISCOVERY) == b"1"
        assert await _call(docs, "GET", DISCOVERY) == b"2"
        tenant.faults = SimpleNamespace(list=list)
        assert await _call(docs, "GET", DISCOVERY) == b"3"
        assert await _call(docs, "GET", DISCOVERY) == b"3"

    asyncio.run(main())

"""What Logto's koa stack does around every answer, after the route has made it.

- **ETag** (``packages/core/src/middleware/koa-body-etag.ts``, mounted on the provider in
  ``packages/core/src/oidc/init.ts`` before ``koaOidcPostToGet``): a real ``GET`` below ``/oidc`` whose
  answer has a body gets the ``etag`` package's strong ETag of ``JSON.stringify(body)``
  (``"<byte length in hex>-<base64 SHA-1, 27 characters>"``); when the request is fresh (the ``fresh``
  package behind ``ctx.fresh``: a 2xx, no ``Cache-Control: no-cache`` in the request, an
  ``If-None-Match`` listing that ETag, weakly compared, or ``*``) the answer is a 304 without a body.
  A forwarded form ``POST`` (``/oidc/auth``, ``/oidc/session/end``) gets none.
- **Security headers** (``koa-security-headers.ts``, helmet 7): the ``basicSecurityHeaderSettings`` on
  the paths of Logto's mounted apps (``UserApps``: ``/api``, ``/oidc``, ``/.well-known``, ``/demo-app``,
  ``/device-demo-app``, ``/account``) — no CSP, no COOP, no COEP, no ``X-DNS-Prefetch-Control``, referrer
  policy ``strict-origin-when-cross-origin``, helmet's defaults for the rest. The experience pages'
  own settings (a CSP, ``Cross-Origin-Resource-Policy: cross-origin``, no ``X-Frame-Options``) are not
  sent: the fake's pages are its own markup, not Logto's experience bundle the CSP is written for.
- **Compression** (``koaCompress()`` in ``packages/core/src/tenants/Tenant.ts``, koa-compress 5): an
  answer of at least 1024 bytes of a compressible type is gzip- or deflate-encoded when the request's
  ``Accept-Encoding`` takes one (by q, gzip first on a tie); any compressible answer with a body gets
  ``Vary: Accept-Encoding``. Brotli,
  which koa-compress prefers when accepted, is not offered here (Python's standard library has none):
  a client accepting only ``br`` gets the identity encoding.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import json
import zlib
from collections.abc import Callable

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import paths

MOUNTED_APPS = ("/api", "/oidc", "/.well-known", "/demo-app", "/device-demo-app", "/account")
BASIC_SECURITY_HEADERS = {
    "Cross-Origin-Resource-Policy": "same-origin",
    "Origin-Agent-Cluster": "?1",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Strict-Transport-Security": "max-age=15552000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Download-Options": "noopen",
    "X-Frame-Options": "SAMEORIGIN",
    "X-Permitted-Cross-Domain-Policies": "none",
    "X-XSS-Protection": "0",
}
THRESHOLD = 1024
_ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "deflate": zlib.compress,
}
_COMPRESSIBLE = ("text/", "application/json", "application/javascript", "application/xml", "image/svg+xml")


def etag(body: bytes, content_type: str) -> str:
    """The ``etag`` package's ETag of ``JSON.stringify(ctx.body)``: a JSON body as sent, a text body
    as a JSON string."""
    entity = body if "json" in content_type else json.dumps(body.decode(), ensure_ascii=False).encode()
    digest = base64.b64encode(hashlib.sha1(entity).digest()).decode()[
        :27
    ]  # the etag package hashes with SHA-1
    return f'"{len(entity):x}-{digest}"'


def fresh(request: Headers, status: int, tag: str) -> bool:
    """``ctx.fresh``: the ``fresh`` package's answer for a 2xx or 304."""
    if not (200 <= status < 300 or status == 304):
        return False
    wanted = request.get("if-none-match")
    if not wanted:
        return False
    if "no-cache" in (request.get("cache-control") or "").replace(" ", "").split(","):
        return False
    if wanted.strip() == "*":
        return True
    return any(t.strip().removeprefix("W/") == tag.removeprefix("W/") for t in wanted.split(","))


def _accepted_encoding(header: str | None) -> str | None:
    """The encoding to use among gzip and deflate (``accepts``/negotiator: by q, then our order)."""
    if not header:
        return None
    weights: dict[str, float] = {}
    for part in header.split(","):
        coding, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            weights[coding.lower()] = quality
    star = weights.get("*")
    ranked = [(weights.get(c, star if star is not None else 0.0), -i, c) for i, c in enumerate(_ENCODERS)]
    best = max(ranked)
    return best[2] if best[0] > 0 else None


_SECURITY_RAW = [
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in BASIC_SECURITY_HEADERS.items()
]
_SECURITY_NAMES = frozenset(name for name, _ in _SECURITY_RAW)


def _add_security_headers(headers: MutableHeaders) -> None:
    """``headers[name] = value`` for each security header — appended in one go when the answer has none of
    them yet (the usual case), rather than one scan of the header list per header."""
    if _SECURITY_NAMES.isdisjoint(name for name, _ in headers.raw):
        headers.raw.extend(_SECURITY_RAW)
        return
    for name, value in BASIC_SECURITY_HEADERS.items():
        headers[name] = value


@functools.lru_cache(maxsize=64)
def _encoding_of(header: str) -> str | None:
    return _accepted_encoding(header)


def _compressible(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind.startswith(_COMPRESSIBLE) or kind.endswith(("+json", "+xml"))


class PostProcessing:
    """ASGI middleware: buffers an answer, then applies the ETag, security headers and compression."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, buffer)
        if not start:
            return
        body = b"".join(chunks)
        status = int(start["status"])
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        request = Headers(scope=scope)
        path, method = scope["path"], scope["method"]
        if method == "GET" and path.startswith(paths.OIDC) and body:
            tag = etag(body, headers.get("content-type", ""))
            headers["ETag"] = tag
            if fresh(request, status, tag):
                status, body = 304, b""
                for name in ("content-type", "content-length", "transfer-encoding"):
                    if name in headers:
                        del headers[name]
        if any(path == app or path.startswith(app + "/") for app in MOUNTED_APPS):
            _add_security_headers(headers)
        accept_encoding = request.get("accept-encoding")
        encoding = _encoding_of(accept_encoding) if accept_encoding else None
        if (
            method != "HEAD"
            and status not in (204, 205, 304)
            and body
            and "content-encoding" not in headers
            and _compressible(headers.get("content-type", ""))
        ):
            headers.add_vary_header("Accept-Encoding")
            if encoding is not None and len(body) >= THRESHOLD:
                body = _ENCODERS[encoding](body)
                headers["Content-Encoding"] = encoding
        if "content-length" in headers or body:
            headers["Content-Length"] = str(len(body))
        await send({**start, "status": status, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})


__all__ = ["BASIC_SECURITY_HEADERS", "PostProcessing", "etag", "fresh"]

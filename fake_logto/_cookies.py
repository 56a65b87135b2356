"""node-oidc-provider's cookies as Logto configures them, and the error a missing one raises.

Names are the provider's (``_interaction``, ``_interaction_resume``, ``_session``); every one is signed as
koa's ``cookies`` signs with keygrip: a companion ``<name>.sig`` carrying the URL-safe base64 of
HMAC-SHA1 over ``<name>=<value>``, and a cookie whose companion is missing or wrong reads as absent.
Options are Logto's ``cookieConfig`` (``packages/core/src/oidc/init.ts``: ``sameSite: 'lax'``, ``path:
'/'``, signed), HttpOnly as koa's default; the resume cookie's path is ``/oidc/auth/<uid>``
(``lib/actions/authorization/interactions.js``).

:class:`SessionNotFound` is node-oidc-provider's ``SessionNotFound`` (``lib/helpers/errors.js``) as
Logto's ``koaOidcErrorHandler`` (``packages/core/src/middleware/koa-oidc-error-handler.ts``) renders it:
400 ``{code: "session.not_found", message, error: "invalid_request", error_description}``, wherever the
provider looks for a cookie and finds none — the Experience API (``provider.interactionDetails``), the
resume of ``/oidc/auth/<uid>`` (which adds ``iss``, as ``authorization_error_handler.js`` does).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets

from starlette.requests import Request
from starlette.responses import Response

from . import paths
from ._errors import LogtoError
from ._store import Interaction
from ._tenant import Tenant

INTERACTION = paths.INTERACTION_COOKIE
RESUME = paths.RESUME_COOKIE
SESSION = paths.SESSION_COOKIE
SIG = ".sig"

# Logto's envSet.oidc.cookieKeys: one per process here (a restart forgets every browser, as a key
# rotation would).
_KEY = secrets.token_bytes(32)

SESSION_NOT_FOUND_MESSAGE = "Session not found. Please go back and sign in again."


# HMAC-SHA1 with _KEY (RFC 2104: H(K ^ opad, H(K ^ ipad, m)), K padded to SHA-1's 64-byte block), its
# two keyed hash states computed once: a signature copies them instead of keying a new HMAC (several
# times per request).
_INNER = hashlib.sha1(bytes(b ^ 0x36 for b in _KEY.ljust(64, b"\0")))
_OUTER = hashlib.sha1(bytes(b ^ 0x5C for b in _KEY.ljust(64, b"\0")))


@functools.lru_cache(maxsize=4096)  # a browser sends the same cookie on every request of its flow
def sign(name: str, value: str) -> str:
    """keygrip's ``sign``: HMAC-SHA1 of ``name=value``, base64 made URL-safe without padding."""
    inner = _INNER.copy()
    inner.update(f"{name}={value}".encode())
    outer = _OUTER.copy()
    outer.update(inner.digest())
    return base64.urlsafe_b64encode(outer.digest()).rstrip(b"=").decode()


def get(request: Request, name: str) -> str | None:
    """The cookie's value if its ``.sig`` companion verifies, else ``None`` (koa ``cookies.get`` signed)."""
    value = request.cookies.get(name)
    signature = request.cookies.get(name + SIG)
    if not value or not signature or not hmac.compare_digest(signature, sign(name, value)):
        return None
    return value


# What ``http.cookies`` writes as it is (no quoting): a non-empty value of these characters only
# (``http.cookies._LegalChars``), an attribute value without ``;`` or a line break.
_PLAIN_VALUE = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~:]+")
_PLAIN_ATTRIBUTE = re.compile(r"[^;\r\n]*")


def _set_cookie(response: Response, name: str, value: str, *, max_age: int, path: str) -> None:
    """``response.set_cookie(name, value, max_age=, path=, httponly=True, samesite="lax")``: the same
    header, written directly when nothing in it needs quoting (``http.cookies`` writes the attributes in
    sorted order: HttpOnly, Max-Age, Path, SameSite); anything else goes through starlette."""
    if _PLAIN_VALUE.fullmatch(value) and _PLAIN_ATTRIBUTE.fullmatch(path):
        header = f"{name}={value}; HttpOnly; Max-Age={max_age}; Path={path}; SameSite=lax"
        response.raw_headers.append((b"set-cookie", header.encode("latin-1")))
    else:
        response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax")


def set_signed(response: Response, name: str, value: str, *, max_age: int, path: str = "/") -> None:
    for cookie, content in ((name, value), (name + SIG, sign(name, value))):
        _set_cookie(response, cookie, content, max_age=max_age, path=path)


def clear(response: Response, name: str, *, path: str = "/") -> None:
    for cookie in (name, name + SIG):
        response.delete_cookie(cookie, path=path, httponly=True, samesite="lax")


def resume_path(uid: str) -> str:
    return paths.AUTH_RESUME.format(uid=uid)


class SessionNotFound(LogtoError):
    """400 ``session.not_found`` with the provider's ``error_description`` (and ``iss`` at /oidc/auth)."""

    def __init__(self, description: str, *, iss: str | None = None) -> None:
        super().__init__("session.not_found", 400)
        self.message = SESSION_NOT_FOUND_MESSAGE
        self.description, self.iss = description, iss

    def body(self) -> dict[str, str]:
        body = {
            "code": self.code,
            "message": self.message,
            "error": "invalid_request",
            "error_description": self.description,
        }
        if self.iss is not None:
            body["iss"] = self.iss
        return body


def live_interaction(request: Request, tenant: Tenant) -> Interaction:
    """The interaction of the signed ``_interaction`` cookie, as node-oidc-provider's
    ``provider.interactionDetails`` (``lib/provider.js``) finds it: no cookie → 400 ``session.not_found``
    "interaction session id cookie not found", an unknown or expired interaction → "interaction session
    not found"."""
    uid = get(request, INTERACTION)
    if uid is None:
        raise SessionNotFound("interaction session id cookie not found")
    interaction = tenant.store.live_interaction(uid)
    if interaction is None:
        raise SessionNotFound("interaction session not found")
    return interaction

"""``POST /api/experience/verification/one-time-token/verify``: an email's one-time token (a magic link,
issued by ``POST /api/one-time-tokens``: :mod:`._management_one_time_tokens`), checked for the
interaction's event and consumed; the answer's ``verificationId`` then identifies the email's user
(SignIn, ForgotPassword) or registers it (:mod:`._identification`).

Follows ``routes/experience/verification-routes/one-time-token.ts`` (the guard
``oneTimeTokenVerificationVerifyPayloadGuard``: ``identifier`` ``{type: "email", value}`` with the value in
``emailRegEx``, ``token`` a non-empty string; the check goes through the sentinel as action
``OneTimeToken``, pooled with passwords and codes: :mod:`._sentinel`) and
``classes/verifications/one-time-token-verification.ts`` (``verify``: the library's ``verifyOneTimeToken``
with the interaction's event, :mod:`._one_time_tokens`). A refused token leaves the interaction as it was
(Logto saves the interaction only after the check passes) and the token unconsumed.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _sentinel, paths
from ._experience_context import bind
from ._one_time_tokens import OneTimeToken
from ._store import new_id
from ._verification_records import OneTimeTokenVerification


def _identifier(body: dict[str, Any]) -> str:
    """``identifier: {type: z.literal("email"), value: z.string().regex(emailRegEx)}``."""
    ident = _guards.field(body, "identifier", dict)
    if ident.get("type") != "email":
        extra: dict[str, Any] = {"received": ident["type"]} if "type" in ident else {}
        message = 'Invalid literal value, expected "email"'
        raise _guards.invalid("identifier.type", "invalid_literal", message, expected="email", **extra)
    value: str = _guards.string(ident, "identifier.value", pattern=_guards.EMAIL_RE)
    return value


async def verify_one_time_token(request: Request) -> Response:
    ctx = bind(request)
    body = await _guards.body(request)
    email = _identifier(body)
    token: str = _guards.string(body, "token", min_length=1)

    async def check() -> OneTimeToken:
        return ctx.tenant.store.one_time_tokens.verify(token, email, ctx.event)

    policy = ctx.experience.sentinel_policy
    checked = await _sentinel.guarded(ctx.tenant.sentinel, policy, "OneTimeToken", email, check)
    record = OneTimeTokenVerification(
        id=new_id(21), identifier_type="email", value=email, context=dict(checked.context)
    )
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id})


ROUTES = [("POST", paths.EXPERIENCE_ONE_TIME_TOKEN_VERIFY, verify_one_time_token)]

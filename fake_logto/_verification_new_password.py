"""``POST /api/experience/verification/new-password-identity``: a new username and its password, checked
for a registration; the answer's ``verificationId`` is then given to the identification, which creates
the user from it (:mod:`._identification`).

Follows ``routes/experience/verification-routes/new-password-identity-verification.ts`` (its guard: only a
``username`` identifier, in ``usernameRegEx``; a ``password`` string) and
``classes/verifications/new-password-identity-verification.ts`` (``verify``: the username unused by any
other user — 422 ``user.username_already_in_use``, compared as the username policy's case sensitivity
says — then the password policy with the username as user info — 422 ``password.rejected``). The username
policy itself is checked only at the identification, as Logto's ``setProfileWithValidation`` does.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _profile, paths
from ._errors import LogtoError
from ._experience_context import bind
from ._store import hash_password, new_id
from ._verification_records import NewPasswordIdentityVerification


async def new_password_identity(request: Request) -> Response:
    """Check the username and password; keep them (hashed) as the interaction's record of the type."""
    ctx = bind(request)
    body = await _guards.body(request)
    kind, username = _guards.identifier(body, {"username": _guards.USERNAME_RE})
    password: str = _guards.string(body, "password")
    store = ctx.tenant.store
    with store.lock:
        _profile.guard_unique(store, {"username": username})
    issues = _profile.policy_issues(ctx.experience, password, {"username": username}, None)
    if issues:
        raise LogtoError("password.rejected", 422, issues)
    encrypted = await asyncio.to_thread(hash_password, password)  # scrypt: off the event loop
    record = NewPasswordIdentityVerification(
        id=new_id(21), identifier_type=kind, value=username, password_hash=encrypted
    )
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id})


ROUTES = [("POST", paths.EXPERIENCE_NEW_PASSWORD_IDENTITY, new_password_identity)]

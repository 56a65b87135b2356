"""The test-control API under ``/__harness/``: health, the tenant clock, users, sent codes, reset.

Not part of Logto: this is the harness's own contract (the CLI, the pytest fixtures and tests use it),
documented by the app's OpenAPI schema. Errors are fakekit's :class:`~fakekit.ControlError`
(``{"error": code, "message": text}``), as on fake_mailgun's control API. Codes are listed for debugging; tests should read them from the mailbox
(fake_mailgun's ``/__harness/messages/wait``), which is what a real Logto would have sent.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

from fastapi import Body, Query
from pydantic import BaseModel, Field, field_validator
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from fakekit import ControlError, validate

from . import _guards, _management_sign_in_exp, paths
from ._config import SeedUser
from ._errors import LogtoError
from ._tenant import Tenant


def _tenant(request: Request) -> Tenant:
    tenant: Tenant = request.app.state.tenant
    return tenant


class Health(BaseModel):
    status: str = Field(description='always "ok"')
    issuer: str = Field(description="the tenant's OIDC issuer (``<endpoint>/oidc``)")


class ClockState(BaseModel):
    offset: float = Field(description="seconds the tenant clock runs ahead of real time")
    now: float = Field(description="the tenant clock's time, epoch seconds")


MAX_CLOCK_OFFSET = 1000 * 366 * 24 * 3600  # a thousand years, far from float and int overflow


class ClockAdvance(BaseModel):
    advance: float = Field(
        allow_inf_nan=False, description="seconds to move the tenant clock forward (negative: back)"
    )


class NewUser(BaseModel):
    """A user to create; needs an email, a username or a phone."""

    email: str | None = None
    username: str | None = None
    phone: str | None = None
    password: str | None = Field(None, description="plain text; stored hashed")
    name: str | None = None
    custom_data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("custom_data")
    @classmethod
    def _plain_json(cls, value: dict[str, Any]) -> dict[str, Any]:
        json.dumps(value, allow_nan=False)  # ValueError on NaN / Infinity: it is served as JSON later
        return value


class SentCodeJson(BaseModel):
    to: str
    usage_type: str = Field(description="SignIn, Register or ForgotPassword")
    code: str | None = Field(description="null when no code was sent (suppressed: no such account)")
    verification_id: str
    sent_at: float = Field(description="tenant clock, epoch seconds")
    delivered: bool = Field(description="the connector accepted it")
    error: str | None = Field(description="why the send was refused or failed")


class Items(BaseModel):
    items: list[dict[str, Any]]


def _schema(model: type[BaseModel]) -> Any:
    """A body parameter documented as ``model`` but validated by the handler (:func:`fakekit.validate`),
    so a bad body gets a control error — FastAPI's own 422 echoes the input, and a non-finite number in
    it makes that a 500."""
    return Body(json_schema_extra=model.model_json_schema())


async def health(request: Request) -> Health:
    """Liveness, and which issuer this tenant is."""
    return Health(status="ok", issuer=_tenant(request).issuer)


def _clock_state(tenant: Tenant) -> ClockState:
    return ClockState(offset=tenant.clock.offset, now=tenant.clock.now())


async def get_clock(request: Request) -> ClockState:
    """The tenant clock (every expiry — codes, interactions, sessions, grants, tokens — is on it)."""
    return _clock_state(_tenant(request))


async def advance_clock(request: Request, body: Annotated[Any, _schema(ClockAdvance)]) -> Response:
    """Move the tenant clock, e.g. ``{"advance": 601}`` to expire a verification code without waiting;
    answers the clock as ``GET`` does."""
    parsed = validate(ClockAdvance, body)
    tenant = _tenant(request)
    if abs(tenant.clock.offset + parsed.advance) > MAX_CLOCK_OFFSET:
        # Further and every epoch-ms claim, cookie or JSON number overflows (inf is not JSON).
        raise ControlError(400, "invalid_request", f"the clock offset must stay within ±{MAX_CLOCK_OFFSET} s")
    tenant.clock.advance(parsed.advance)
    return JSONResponse(_clock_state(tenant).model_dump())


async def reset(request: Request) -> dict[str, str]:
    """Forget every user, interaction, session, grant, token, sent code, sentinel activity, webhook
    delivery and fault rule; re-seed the config's users, roles and organizations; put the clock back to
    real time; restore the configured tenant (sign-in experience, applications, API resources,
    organizations, hooks, connectors)."""
    _tenant(request).config = _tenant(request).configured
    _tenant(request).store.reset()
    _tenant(request).events.reset()
    _tenant(request).hooks.reset()
    _tenant(request).sentinel.clear()
    _tenant(request).connectors.reset()
    _tenant(request).sso.reset()
    _tenant(request).faults.clear()
    return {"status": "reset"}


async def list_users(request: Request) -> Items:
    """Every user, oldest first, in Logto's Management API shape."""
    store = _tenant(request).store
    with store.lock:
        return Items(items=[user.to_json() for user in store.users.values()])


async def create_user(request: Request, body: Annotated[Any, _schema(NewUser)]) -> Response:
    """Create a user: 201 with the user as ``GET`` lists it; 409 if its email, username or phone is taken."""
    new = validate(NewUser, body)
    if not (new.email or new.username or new.phone):
        raise ControlError(400, "invalid_request", "a user needs an email, a username or a phone")
    if new.email and not _guards.EMAIL_RE.match(new.email):
        raise ControlError(400, "invalid_request", f"not an email address: {new.email!r}")
    store = _tenant(request).store
    seed = SeedUser(
        email=new.email,
        username=new.username,
        phone=new.phone,
        password=new.password,
        name=new.name,
        custom_data=new.custom_data,
    )
    with store.lock:
        if new.phone and store.user_by("phone", new.phone) is not None:
            raise ControlError(409, "conflict", f"a user with phone {new.phone} exists")
        try:
            user = store.create_user(seed)
        except ValueError as exc:
            raise ControlError(409, "conflict", str(exc)) from None
        return JSONResponse(user.to_json(), status_code=201)


async def delete_user(request: Request, user_id: str) -> Response:
    """Delete a user, ending their sessions and revoking their grants (204; 404 if unknown)."""
    if _tenant(request).store.delete_user(user_id) is None:
        raise ControlError(404, "not_found", f"no user with id {user_id!r}")
    return Response(status_code=204)


async def list_codes(
    request: Request,
    to: str | None = Query(None, description="only codes sent to this address (case-insensitive)"),
    limit: int = Query(50, ge=1, le=10_000),
) -> Items:
    """Codes handed to the connector (and refused or failed attempts), newest first."""
    store = _tenant(request).store
    wanted = to.strip().lower() if to else None
    with store.lock:
        sent = [s for s in reversed(store.sent) if wanted is None or s.to.strip().lower() == wanted]
        items = [SentCodeJson.model_validate(s, from_attributes=True).model_dump() for s in sent[:limit]]
    return Items(items=items)


class SignInExpPatch(BaseModel):
    """Fields of Logto's ``PATCH /api/sign-in-exp`` body: ``signIn``, ``signUp``, ``signInMode``,
    ``forgotPasswordMethods`` (fake_logto refuses the other columns)."""

    signIn: dict[str, Any] | None = None
    signUp: dict[str, Any] | None = None
    signInMode: str | None = None
    forgotPasswordMethods: list[str] | None = None


def _restore_sign_in_exp(tenant: Tenant) -> None:
    tenant.config = dataclasses.replace(
        tenant.config, sign_in_experience=tenant.configured.sign_in_experience
    )


async def patch_sign_in_exp(request: Request, body: Annotated[Any, _schema(SignInExpPatch)]) -> Response:
    """Change the sign-in experience as the Management API's ``PATCH /api/sign-in-exp`` does (same checks,
    applied at once), without a token; answers the ``sign_in_experiences`` row. A refusal is a control
    error whose code is Logto's (e.g. ``sign_in_experiences.passwordless_requires_verify``)."""
    if not isinstance(body, dict):
        raise ControlError(400, "invalid_request", "the body must be a JSON object")
    try:
        return JSONResponse(_management_sign_in_exp.apply(_tenant(request), body))
    except LogtoError as exc:
        raise ControlError(400, exc.code, exc.details or exc.message) from None


async def restore_sign_in_exp(request: Request) -> Response:
    """Put the configured sign-in experience back; answers the row."""
    tenant = _tenant(request)
    _restore_sign_in_exp(tenant)
    return JSONResponse(_management_sign_in_exp.row(tenant.config))


ROUTES = [
    ("GET", paths.HEALTH, health),
    ("GET", paths.CLOCK, get_clock),
    ("POST", paths.CLOCK, advance_clock),
    ("POST", paths.RESET, reset),
    ("GET", paths.USERS, list_users),
    ("POST", paths.USERS, create_user),
    ("DELETE", paths.USER, delete_user),
    ("GET", paths.CODES, list_codes),
    ("PATCH", paths.CONTROL_SIGN_IN_EXP, patch_sign_in_exp),
    ("DELETE", paths.CONTROL_SIGN_IN_EXP, restore_sign_in_exp),
]

"""The Experience API's identification: ``POST /api/experience/identification``.

Follows ``ExperienceInteraction.identifyUser`` and ``createUser`` (``packages/core/src/routes/experience/
classes/experience-interaction.ts``): SignIn and ForgotPassword find the verified identifier's user,
Register creates the user from the verification record (a verified code's email or phone, a new
password identity's username and password: :mod:`._verification_new_password`) and the pending profile
(:mod:`._profile`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from . import (
    _email_blocklist,
    _guards,
    _hooks,
    _organization_jit,
    _profile,
    _verification_social,
    _verification_sso,
    paths,
)
from ._config import SeedUser
from ._errors import LogtoError
from ._experience_context import NO_CONTENT, Ctx, Record, bind, guard_event, stage, user_if_any, verification
from ._store import User
from ._verification_records import (
    CodeVerification,
    EnterpriseSsoVerification,
    IdentifierRecord,
    MfaRecord,
    NewPasswordIdentityVerification,
    OneTimeTokenVerification,
    PasswordVerification,
    SocialVerification,
)


def _guard_sign_in_method(ctx: Ctx, record: IdentifierRecord) -> None:
    method = ctx.experience.method(record.identifier_type)
    by_password = isinstance(record, PasswordVerification)
    if method is None or not (method.password if by_password else method.verification_code):
        raise LogtoError("user.sign_in_method_not_enabled", 422)
    _verification_sso.guard_sso_only(ctx, _verification_sso.email_of(record))


def _guard_forgot_password_method(ctx: Ctx, record: IdentifierRecord) -> None:
    # Only an email code resets a password here (the tenant has no SMS connector).
    if not (isinstance(record, CodeVerification) and record.identifier_type == "email"):
        raise LogtoError("session.not_supported_for_forgot_password", 422)
    if not ctx.experience.forgot_password_email:
        raise LogtoError("session.not_supported_for_forgot_password", 422)


IDENTIFICATION_GUARDS: dict[str, Callable[[Ctx, IdentifierRecord], None]] = {
    "SignIn": _guard_sign_in_method,
    "ForgotPassword": _guard_forgot_password_method,
}


def _user_of(ctx: Ctx, record: Record, link: bool) -> User:
    """The verified identifier's user (a social identity's: :mod:`._verification_social`)."""
    if isinstance(record, MfaRecord):  # identifyUserByVerificationRecord: an MFA record identifies no one
        raise LogtoError("session.verification_failed", 400)
    if isinstance(record, SocialVerification | EnterpriseSsoVerification):
        if ctx.event == "ForgotPassword":
            raise LogtoError("session.not_supported_for_forgot_password", 422)
        if isinstance(record, EnterpriseSsoVerification):
            return _verification_sso.identify(ctx, record)
        _verification_sso.guard_sso_only(ctx, _verification_sso.email_of(record))
        return _verification_social.identify(ctx, record, link)
    if not (isinstance(record, OneTimeTokenVerification) and record.verified):
        IDENTIFICATION_GUARDS[ctx.event](ctx, record)
    if not record.verified:
        raise LogtoError("session.verification_failed", 400)
    user = ctx.tenant.store.user_by(record.identifier_type, record.value)
    if user is None:
        raise LogtoError("user.user_not_exist", 404, {"identifier": record.value}, identifier=record.value)
    return user


async def _identify_user(ctx: Ctx, verification_id: str | None, link: bool = False) -> int:
    """ExperienceInteraction.identifyUser (SignIn, ForgotPassword): the verified identifier's user."""
    if verification_id is None:
        raise LogtoError("guard.invalid_input", 400, details="verificationId is missing", type="body")
    user = _user_of(ctx, verification(ctx, verification_id), link)
    if user.is_suspended:  # ExperienceInteraction.identifyUser (classes/experience-interaction.ts)
        raise LogtoError("user.suspended", 401)
    with ctx.tenant.store.lock:
        if ctx.interaction.user_id not in (None, user.id):
            raise LogtoError("session.identity_conflict", 409)
        ctx.interaction.user_id = user.id
    return NO_CONTENT


def _new_user_profile(record: Record) -> dict[str, str]:
    """getNewUserProfileFromVerificationRecord (``classes/helpers.ts``): a verified code's email or phone,
    a new password identity's username and password; any other record 400 ``session.verification_failed``."""
    if isinstance(record, NewPasswordIdentityVerification):
        return {"username": record.value, "passwordEncrypted": record.password_hash}
    if not isinstance(record, CodeVerification | OneTimeTokenVerification) or not record.verified:
        raise LogtoError("session.verification_failed", 400)
    return {_profile.KEYS[record.identifier_type]: record.value}


async def _create_user(ctx: Ctx, verification_id: str | None, _link: bool = False) -> int:
    """ExperienceInteraction.createUser (Register): stage the verified identifier, then create the user."""
    if verification_id is not None:
        record = verification(ctx, verification_id)
        if isinstance(record, MfaRecord):  # getNewUserProfileFromVerificationRecord
            raise LogtoError("session.verification_failed", 400)
        if isinstance(record, EnterpriseSsoVerification):  # no SSO-only guard for an SSO identity
            stage(ctx, _verification_sso.new_user_profile(ctx, record))
        elif isinstance(record, SocialVerification):
            _verification_sso.guard_sso_only(ctx, _verification_sso.email_of(record))
            stage(ctx, _verification_social.new_user_profile(ctx, record))
        else:
            _verification_sso.guard_sso_only(ctx, _verification_sso.email_of(record))
            if record.identifier_type == "email":  # ExperienceInteraction.createUser: guardEmailBlocklist
                _email_blocklist.guard_email(ctx.experience.email_blocklist_policy, record.value)
            stage(ctx, _new_user_profile(record))
    guard_event(ctx, "Register")
    if not _verification_sso.has_verified(ctx):  # assertUserMandatoryProfileFulfilled
        _verification_social.guard_fulfilled(ctx, ctx.interaction.profile, user_if_any(ctx))
    store, profile = ctx.tenant.store, ctx.interaction.profile
    with store.lock:
        try:
            seed = SeedUser(
                email=profile.get("primaryEmail"),
                username=profile.get("username"),
                phone=profile.get("primaryPhone"),
                name=profile.get("name"),
                picture=profile.get("avatar"),
                custom_data=profile.get("customData", {}),
            )
            user = store.create_user(seed)
            user.profile = dict(profile.get("profile", {}))  # the extra profile's standard claims
        except ValueError as exc:  # lost a race with another registration
            raise LogtoError("user.email_already_in_use", 422) from exc
        user.password_hash = profile.get("passwordEncrypted")
        user.logto_config = {"mfa": {"enabled": False}}  # provision-library.ts: MFA not enabled yet
        _verification_social.apply_pending(ctx, user)  # the identity, name and avatar of a social sign-up
        _verification_sso.apply_pending(ctx, user)  # ... of an enterprise SSO sign-up
        ctx.interaction.user_id = user.id
        profile.clear()
        if not _verification_sso.has_verified(ctx):  # provisionNewUserJitOrganizations: by email domain
            _organization_jit.provision_by_email(ctx.tenant, user.id, user.primary_email)
    _hooks.append_data("User.Created", user)  # provision-library.ts provisionUser
    return 201


IDENTIFIERS: dict[str, Callable[[Ctx, str | None, bool], Awaitable[int]]] = {
    "SignIn": _identify_user,
    "ForgotPassword": _identify_user,
    "Register": _create_user,
}


async def identify(request: Request) -> Response:
    """``POST /api/experience/identification``: 201 when Register created the user, else 204."""
    ctx = bind(request)
    body = await _guards.body(request)
    verification_id = _guards.field(body, "verificationId", str, optional=True)
    link = bool(_guards.field(body, "linkSocialIdentity", bool, optional=True))
    status = await IDENTIFIERS[ctx.event](ctx, verification_id, link)
    return Response(status_code=status)


ROUTES = [("POST", paths.EXPERIENCE_IDENTIFICATION, identify)]

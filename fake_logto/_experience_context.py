"""What every Experience API room shares: the interaction bound to the cookie (:func:`bind`) and the
lookups Logto's ``classes/experience-interaction.ts`` makes on it — a verification record, the identified
user, the pending profile, the event guard of ``classes/libraries/sign-in-experience-validator.ts``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from starlette.requests import Request

from . import _codes, _cookies, _guards, _profile
from ._config import SignInExperience
from ._errors import LogtoError
from ._store import Interaction, InteractionEvent, User
from ._tenant import Tenant
from ._verification_records import (
    BackupCodeVerification,
    CodeVerification,
    EnterpriseSsoVerification,
    NewPasswordIdentityVerification,
    OneTimeTokenVerification,
    SocialVerification,
    TotpVerification,
    VerificationRecord,
    WebAuthnVerification,
)

Record = VerificationRecord
EVENTS: tuple[InteractionEvent, ...] = ("SignIn", "Register", "ForgotPassword")
NO_CONTENT = 204


@dataclass
class Ctx:
    tenant: Tenant
    interaction: Interaction

    @property
    def experience(self) -> SignInExperience:
        return self.tenant.config.sign_in_experience

    @property
    def event(self) -> InteractionEvent:
        assert self.interaction.event is not None
        return self.interaction.event


def bind(request: Request, *, started: bool = True) -> Ctx:
    """The interaction of the signed ``_interaction`` cookie, as ``koaInteractionDetails`` finds it
    (``provider.interactionDetails``): no cookie → 400 ``session.not_found`` "interaction session id cookie
    not found", an unknown or expired interaction → "interaction session not found". ``started``: it must
    have an event (``PUT /api/experience`` ran), else 404 ``session.interaction_not_found``
    (``classes/experience-interaction.ts``)."""
    tenant: Tenant = request.app.state.tenant
    interaction = _cookies.live_interaction(request, tenant)
    if started and interaction.event is None:
        raise LogtoError("session.interaction_not_found", 404)
    return Ctx(tenant, interaction)


def read_event(body: dict[str, Any]) -> InteractionEvent:
    return cast(InteractionEvent, _guards.choice(body, "interactionEvent", EVENTS))


def verification(ctx: Ctx, verification_id: str) -> Record:
    record = ctx.interaction.verifications.get(verification_id)
    if record is None:
        raise LogtoError("session.verification_session_not_found", 404)
    return record


def identified_user(ctx: Ctx) -> User:
    """The identified user: 404 ``session.identifier_not_found`` before identification."""
    user_id = ctx.interaction.user_id
    if user_id is None:
        raise LogtoError("session.identifier_not_found", 404)
    user = ctx.tenant.store.users.get(user_id)
    if user is None:  # deleted since (findUserById)
        raise LogtoError("entity.not_found", 404)
    return user


def user_if_any(ctx: Ctx) -> User | None:
    """Profile.safeGetIdentifiedUser: optional while registering, required otherwise."""
    if ctx.event == "Register":
        return ctx.tenant.store.users.get(ctx.interaction.user_id or "")
    return identified_user(ctx)


def stage(ctx: Ctx, profile: dict[str, Any]) -> None:
    _profile.stage(ctx.tenant.store, ctx.interaction, user_if_any(ctx), profile)


def guard_event(ctx: Ctx, event: InteractionEvent) -> None:
    """SignInExperienceValidator.guardInteractionEvent: Register needs registration on, or a verified
    one-time token on the interaction (``hasVerifiedOneTimeToken``)."""
    if event == "Register" and not ctx.experience.registration_enabled and not has_verified_token(ctx):
        raise LogtoError("auth.forbidden", 403)


def has_verified_token(ctx: Ctx) -> bool:
    records = ctx.interaction.verifications.values()
    return any(isinstance(r, OneTimeTokenVerification) and r.verified for r in records)


def record_json(record: Record) -> dict[str, Any]:
    if isinstance(record, TotpVerification):  # toSanitizedJson: no secret
        return {"id": record.id, "type": "Totp", "userId": record.user_id, "verified": record.verified}
    if isinstance(record, WebAuthnVerification):  # ... no challenges, no registration
        return {"id": record.id, "type": "WebAuthn", "userId": record.user_id, "verified": record.verified}
    if isinstance(record, BackupCodeVerification):  # ... no codes but the one used
        return {"id": record.id, "type": "BackupCode", "userId": record.user_id, "code": record.code}
    if isinstance(record, SocialVerification):  # toSanitizedJson: {id, type, connectorId, socialUserInfo}
        social: dict[str, Any] = {"id": record.id, "type": "Social", "connectorId": record.connector_id}
        if record.user_info is not None:
            social["socialUserInfo"] = record.user_info
        return social
    if isinstance(record, EnterpriseSsoVerification):  # toSanitizedJson: no token set
        sso: dict[str, Any] = {"id": record.id, "type": "EnterpriseSso", "connectorId": record.connector_id}
        if record.user_info is not None:
            sso["enterpriseSsoUserInfo"] = record.user_info
        if record.issuer is not None:
            sso["issuer"] = record.issuer
        return sso
    body: dict[str, Any] = {
        "id": record.id,
        "type": _codes.record_type(record),
        "identifier": {"type": record.identifier_type, "value": record.value},
    }
    if isinstance(record, CodeVerification):
        body["templateType"] = record.event
    if not isinstance(record, NewPasswordIdentityVerification):  # its toSanitizedJson has no flag
        body["verified"] = record.verified
    if isinstance(record, OneTimeTokenVerification):
        body["oneTimeTokenContext"] = record.context
    return body

"""The Experience API's social verification and what identification does with a social identity.

Routes, as ``packages/core/src/routes/experience/verification-routes/social-verification.ts``:

- ``POST /api/experience/verification/social/:connectorId/authorization-uri`` ``{state, redirectUri}``
  (strings; empty → 400 ``session.insufficient_info``): an unknown connector 404 ``entity.not_found``, not
  a social one 400 ``connector.unexpected_type`` (``libraries/verification-helpers/
  social-verification.ts`` ``createSocialAuthorizationUrl``); a new Social record (replacing the earlier
  one) and the connector's URI.
- ``POST …/verify`` ``{connectorData, verificationId?}``: an unknown connector 422
  ``session.invalid_connector_id`` (``libraries/social.ts`` ``getConnector``); no record of that id, or of
  another connector, 404 ``session.verification_session_not_found``; then the connector's user info
  (:mod:`._social_connectors`; its errors as Logto's connector errors). The mock connector needs the
  connector session ``authorization-uri`` set, which ``verify`` consumes (400
  ``session.connector_validation_session_not_found``).

Identification (``classes/verifications/social-verification.ts``, ``classes/helpers.ts``): SignIn finds
the user whose ``identities[target].userId`` is the identity's id, else 404 ``user.identity_not_exist``
with ``data.relatedUser`` (the identity's phone, then email, that an account has: ``findSocialRelatedUser``);
``linkSocialIdentity: true`` signs in that related user instead and links the identity at submit. The
connector's ``syncProfile`` syncs name and avatar at submit. Register creates the user with the identity
(``identities[target] = {userId, details}``, ``toUserSocialIdentityData``) and, for a new user, the
identity's email and phone when no account has them, its name and avatar; an identity another user has
is 422 ``user.identity_already_in_use``; with ``socialSignIn.skipRequiredIdentifiers`` the sign-up
identifiers are not required.

``POST /api/experience/profile`` ``type: social`` (:func:`stage_profile`) stages a verified identity on the
identified user (``signInAndLinkWithSocial``: the experience's "Link and continue" when the email the user
adds is an account's) or on the account being created; switching the event forgets it (:func:`forget_pending`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _profile, _social_connectors, paths
from ._connector_registry import ConnectorRow
from ._errors import LogtoError
from ._experience_context import Ctx, bind
from ._management_connectors import stand_in_url
from ._store import User, new_id
from ._verification_records import SocialVerification

PENDING_IDENTITY = "socialIdentity"  # the pending profile key Logto uses


def _row(ctx: Ctx, connector_id: str) -> ConnectorRow | None:
    return ctx.tenant.connectors.get(connector_id)


async def authorization_uri(request: Request) -> Response:
    ctx = bind(request)
    connector_id: str = request.path_params["connector_id"]
    body = await _guards.body(request)
    state = _guards.string(body, "state")
    redirect_uri = _guards.string(body, "redirectUri")
    if not state or not redirect_uri:
        raise LogtoError("session.insufficient_info", 400)
    row = _row(ctx, connector_id)
    if row is None:
        raise LogtoError("entity.not_found", 404)
    if row.type != "Social":
        raise LogtoError("connector.unexpected_type", 400)
    payload = {"state": state, "redirectUri": redirect_uri, "connectorId": connector_id}
    try:
        uri, session = _social_connectors.authorization_uri(
            row.connector_id, row.config, stand_in_url(ctx.tenant, row), payload
        )
    except _social_connectors.SocialError as exc:
        raise _social_connectors.as_logto(exc) from None
    record = SocialVerification(id=new_id(21), connector_id=connector_id, session=session)
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"authorizationUri": uri, "verificationId": record.id})


async def verify(request: Request) -> Response:
    ctx = bind(request)
    connector_id: str = request.path_params["connector_id"]
    body = await _guards.body(request)
    data: dict[str, Any] = _guards.field(body, "connectorData", dict)
    verification_id = _guards.field(body, "verificationId", str, optional=True)
    row = _row(ctx, connector_id)
    if row is None:
        raise LogtoError("session.invalid_connector_id", 422, connectorId=connector_id)
    record = ctx.interaction.verifications.get(verification_id or "")
    if not isinstance(record, SocialVerification) or record.connector_id != connector_id:
        raise LogtoError("session.verification_session_not_found", 404)
    if row.type != "Social":
        raise LogtoError("connector.unexpected_type", 400)

    def session() -> dict[str, Any] | None:
        with ctx.tenant.store.lock:
            found, record.session = record.session, None
        if found is None:
            raise LogtoError("session.connector_validation_session_not_found", 400)
        return found

    try:
        info = await _social_connectors.user_info(
            row.connector_id, row.config, data, session, ctx.tenant.connectors.stand_in, ctx.tenant.http
        )
    except _social_connectors.SocialError as exc:
        raise _social_connectors.as_logto(exc) from None
    with ctx.tenant.store.lock:
        record.user_info, record.pending = info, {}
    return JSONResponse({"verificationId": record.id})


# --- identification -----------------------------------------------------------------------------------
def _target(ctx: Ctx, record: SocialVerification) -> str:
    row = _row(ctx, record.connector_id)
    if row is None:  # deleted since: getConnectorData
        raise LogtoError("session.invalid_connector_id", 422, connectorId=record.connector_id)
    target: str = row.factory_metadata["target"]
    return target


def user_with_identity(ctx: Ctx, target: str, identity_id: str) -> User | None:
    """``findUserByIdentity``: ``identities[target].userId``."""
    with ctx.tenant.store.lock:
        return next(
            (
                u
                for u in ctx.tenant.store.users.values()
                if isinstance(u.identities.get(target), dict)
                and u.identities[target].get("userId") == identity_id
            ),
            None,
        )


def _related(ctx: Ctx, info: dict[str, Any]) -> tuple[dict[str, str], User] | None:
    """``findSocialRelatedUser``: the phone first, then the email."""
    for kind in ("phone", "email"):
        value = info.get(kind)
        if value and (user := ctx.tenant.store.user_by(kind, value)) is not None:
            return {"type": kind, "value": value}, user
    return None


def identify(ctx: Ctx, record: SocialVerification, link: bool) -> User:
    """identifyUserByVerificationRecord for a Social record: the user, with the synced profile kept on the
    record until submit."""
    if record.user_info is None:
        raise LogtoError("session.verification_failed", 400)
    target = _target(ctx, record)
    info = record.user_info
    related = _related(ctx, info)
    if link:
        if related is None:
            raise LogtoError("user.identity_not_exist", 404)
        user = related[1]
    else:
        found = user_with_identity(ctx, target, info["id"])
        if found is None:
            raise LogtoError("user.identity_not_exist", 404, {"relatedUser": related[0]} if related else {})
        user = found
    row = _row(ctx, record.connector_id)
    pending: dict[str, Any] = {}
    if row is not None and row.sync_profile:  # toSyncedProfile(false)
        pending |= {k: info[k] for k in ("name", "avatar") if info.get(k)}
    if link:
        pending[PENDING_IDENTITY] = {target: {"userId": info["id"], "details": info}}
    with ctx.tenant.store.lock:
        record.pending = pending
    return user


def new_user_profile(ctx: Ctx, record: SocialVerification) -> dict[str, Any]:
    """getNewUserProfileFromVerificationRecord for a Social record: the identifiers to stage (the
    identity's email and phone that no account has); the rest (identity, name, avatar) is kept on the
    record for the user's creation."""
    if record.user_info is None:
        raise LogtoError("session.verification_failed", 400)
    info, target = record.user_info, _target(ctx, record)
    if user_with_identity(ctx, target, info["id"]) is not None:  # guardProfileUniquenessAcrossUsers
        raise LogtoError("user.identity_already_in_use", 422)
    staged = {}
    for kind, key in (("email", "primaryEmail"), ("phone", "primaryPhone")):
        if info.get(kind) and ctx.tenant.store.user_by(kind, info[kind]) is None:
            staged[key] = info[kind]
    pending = {k: info[k] for k in ("name", "avatar") if info.get(k)}
    pending[PENDING_IDENTITY] = {target: {"userId": info["id"], "details": info}}
    with ctx.tenant.store.lock:
        record.pending = pending
    return staged


def stage_profile(ctx: Ctx, record: SocialVerification, user: User | None) -> None:
    """``Profile.setProfileByVerificationId`` for a Social record (``POST /api/experience/profile``
    ``type: social``, ``classes/profile.ts``): the identity (``toUserProfile``: 400
    ``session.verification_failed`` before ``verify``; 422 ``user.identity_already_in_use`` when an account
    has it), then ``toSyncedProfile`` prepended — for a new user the identity's email and phone no account
    has, name and avatar; for the identified user name and avatar when the connector syncs profiles."""
    if record.user_info is None:
        raise LogtoError("session.verification_failed", 400)
    info, target = record.user_info, _target(ctx, record)
    if user_with_identity(ctx, target, info["id"]) is not None:  # guardProfileUniquenessAcrossUsers
        raise LogtoError("user.identity_already_in_use", 422)
    row = _row(ctx, record.connector_id)
    synced = user is None or (row is not None and row.sync_profile)
    pending = {k: info[k] for k in ("name", "avatar") if synced and info.get(k)}
    pending[PENDING_IDENTITY] = {target: {"userId": info["id"], "details": info}}
    with ctx.tenant.store.lock:
        if user is None:  # unsafePrepend: what the profile has already stays
            for kind, key in (("email", "primaryEmail"), ("phone", "primaryPhone")):
                if info.get(kind) and ctx.tenant.store.user_by(kind, info[kind]) is None:
                    ctx.interaction.profile.setdefault(key, info[kind])
        record.pending = pending


def forget_pending(ctx: Ctx) -> None:
    """``setInteractionEvent``'s ``profile.cleanUp()``: a staged identity and synced profile go too."""
    with ctx.tenant.store.lock:
        for record in ctx.interaction.verifications.values():
            if isinstance(record, SocialVerification):
                record.pending = {}


def pending(ctx: Ctx) -> dict[str, Any]:
    """The pending social profile of the interaction (its verified Social record's)."""
    record = next(
        (r for r in ctx.interaction.verifications.values() if isinstance(r, SocialVerification)), None
    )
    return dict(record.pending) if record is not None and record.verified else {}


def guard_fulfilled(ctx: Ctx, profile: dict[str, Any], user: User | None) -> None:
    """assertUserMandatoryProfileFulfilled with a social identity: skipped under
    ``skipRequiredIdentifiers``; a pending identity stands in for a password."""
    social = pending(ctx)
    verified = any(
        isinstance(r, SocialVerification) and r.verified for r in ctx.interaction.verifications.values()
    )
    if verified and ctx.experience.social_sign_in.get("skipRequiredIdentifiers"):
        return
    check = {**profile, "passwordEncrypted": "identity"} if PENDING_IDENTITY in social else profile
    _profile.guard_fulfilled(ctx.experience, check, user)


def apply_pending(ctx: Ctx, user: User) -> None:
    """At submit (or creation): the synced name and avatar, the linked identity (under the store lock)."""
    social = pending(ctx)
    for key in ("name", "avatar"):
        if key in social:
            setattr(user, key, social[key])
    if PENDING_IDENTITY in social:
        user.identities = {**user.identities, **social[PENDING_IDENTITY]}
    for record in ctx.interaction.verifications.values():
        if isinstance(record, SocialVerification):
            record.pending = {}


ROUTES = [
    ("POST", paths.EXPERIENCE_SOCIAL_AUTHORIZATION_URI, authorization_uri),
    ("POST", paths.EXPERIENCE_SOCIAL_VERIFY, verify),
]

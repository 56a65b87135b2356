"""The Experience API's enterprise SSO: its verification routes, what identification does with an
enterprise identity, and the SSO-only email domains.

Routes, as ``packages/core/src/routes/experience/verification-routes/enterprise-sso-verification.ts`` and
``anonymous-routes/index.ts``:

- ``POST /api/experience/verification/sso/:connectorId/authorization-uri`` ``{state, redirectUri}``: an
  unknown connector 404 ``entity.not_exists_with_id``; then ``getSsoAuthorizationUrl``
  (``libraries/verification-helpers/single-sign-on.ts``): the connector's errors (a bad config, an
  unreachable IdP) as 500 ``connector.<code>``; a new EnterpriseSso record (replacing the earlier one)
  holding the connector session (state, redirect URI, nonce) and the IdP's authorization URI.
- ``POST …/verify`` ``{connectorData, verificationId}``: no EnterpriseSso record of that id, or of another
  connector, 404 ``session.verification_session_not_found``; the connector session is consumed (none:
  400 ``session.connector_validation_session_not_found``); the IdP's identity (:mod:`._sso_oidc`: the
  code exchanged, the ID token checked) stored with the connector's issuer; errors 500 ``connector.<code>``.
- ``GET /api/experience/sso-connectors?email=`` (no interaction needed): the ids of the available
  connectors bound to the email's domain, none while ``singleSignOnEnabled`` is off.

Identification (``classes/verifications/enterprise-sso-verification.ts``, ``classes/helpers.ts``): SignIn
needs ``singleSignOnEnabled`` (422 ``user.sign_in_method_not_enabled``) and finds the user whose SSO
identity is ``(issuer, sub)``; else the user with the identity's (verified) email, to whom the identity is
linked at submit; else 404 ``user.sso_identity_not_exist``. Register creates the user with the identity
(its email, name and avatar; an identity another user has: 422 ``user.identity_already_in_use``). At
submit a known identity's ``detail`` is refreshed and, with the connector's ``syncProfile``, the name and
avatar synced. A verified enterprise identity skips MFA and the sign-up's required identifiers.

SSO-only domains (``SignInExperienceValidator.guardSsoOnlyEmailIdentifier``): an email (of a code, a
password, a social identity) whose domain an available SSO connector holds is refused, while SSO is on,
with 422 ``session.sso_enabled`` and the connectors as ``data.ssoConnectors``. Not built: JIT
organization provisioning by SSO connector and token storage.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _email_blocklist, _guards, _organization_jit, _sso_oidc, _sso_phrases, paths
from ._errors import LogtoError
from ._experience_context import Ctx, bind
from ._management_sso_connectors import connector_of
from ._social_connectors import SocialError
from ._sso_registry import RUNS, SsoConnector, UserSsoIdentity, oidc_config_issues
from ._store import User
from ._verification_records import EnterpriseSsoVerification, SocialVerification, VerificationRecord

assert _sso_phrases.SSO_MESSAGES  # the phrases are registered on import


def _connector_error(exc: SocialError) -> LogtoError:
    """``getSsoAuthorizationUrl`` / ``verifySsoIdentity``: a ConnectorError becomes a 500."""
    return LogtoError(f"connector.{exc.code}", 500, exc.data)


def _checked_config(connector: SsoConnector) -> dict[str, Any]:
    """The connector's constructor: its config against the guard (else ``invalid_config``)."""
    if connector.provider_name not in RUNS or oidc_config_issues(connector.config):
        data = {"ssoErrorCode": "invalid_config", "config": connector.config}
        raise LogtoError("connector.invalid_config", 500, {**data, "message": "invalid_connector_config"})
    return connector.config


async def authorization_uri(request: Request) -> Response:
    ctx = bind(request)
    body = await _guards.body(request)
    state = _guards.string(body, "state")
    redirect_uri = _guards.string(body, "redirectUri")
    connector = connector_of(ctx.tenant, request.path_params["connector_id"])
    config = _checked_config(connector)
    payload = {"state": state, "redirectUri": redirect_uri, "connectorId": connector.id}
    try:
        uri, session = await _sso_oidc.authorization_url(ctx.tenant.http, config, payload)
    except SocialError as exc:
        raise _connector_error(exc) from None
    record = EnterpriseSsoVerification(id=_sso_oidc.standard_id(), connector_id=connector.id, session=session)
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"authorizationUri": uri, "verificationId": record.id})


async def verify(request: Request) -> Response:
    ctx = bind(request)
    body = await _guards.body(request)
    data = _guards.field(body, "connectorData", dict)
    verification_id = _guards.string(body, "verificationId")
    record = ctx.interaction.verifications.get(verification_id)
    if (
        not isinstance(record, EnterpriseSsoVerification)
        or record.connector_id != request.path_params["connector_id"]
    ):
        raise LogtoError("session.verification_session_not_found", 404)
    connector = connector_of(ctx.tenant, record.connector_id)
    with ctx.tenant.store.lock:
        session, record.session = record.session, None
    if session is None:
        raise LogtoError("session.connector_validation_session_not_found", 400)
    config = _checked_config(connector)
    try:
        if request.app.state.settings.dev_mode:  # Logto's INTEGRATION_TEST: mockGetUserInfo
            info = _sso_oidc.mock_user_info(data)
        else:
            info = await _sso_oidc.user_info(ctx.tenant.http, config, session, data, ctx.tenant.clock.now())
    except SocialError as exc:
        raise _connector_error(exc) from None
    with ctx.tenant.store.lock:
        record.user_info, record.issuer, record.pending = info, config["issuer"], {}
    return JSONResponse({"verificationId": record.id})


def enabled_connectors(ctx_tenant: Any, email: str) -> list[SsoConnector]:
    """``getEnabledSsoConnectorsByEmail``."""
    if not ctx_tenant.config.sign_in_experience.single_sign_on:
        return []
    found: list[SsoConnector] = ctx_tenant.sso.by_email(email)
    return found


async def connectors_by_email(request: Request) -> Response:
    email = request.query_params.get("email")
    if email is None:
        raise _guards.invalid_type("email", "string", None, missing=True, where="query")
    if not _guards.ZOD_EMAIL.match(email):
        raise _guards.invalid("email", "invalid_string", "Invalid email", where="query", validation="email")
    found = enabled_connectors(request.app.state.tenant, email)
    return JSONResponse({"connectorIds": [c.id for c in found]})


# --- identification -----------------------------------------------------------------------------------
def guard_sso_only(ctx: Ctx, email: str | None) -> None:
    """``guardSsoOnlyEmailIdentifier``: 422 ``session.sso_enabled`` for an SSO-only email domain."""
    if not email:
        return
    found = enabled_connectors(ctx.tenant, email)
    if found:
        raise LogtoError("session.sso_enabled", 422, {"ssoConnectors": [c.to_json() for c in found]})


def email_of(record: VerificationRecord) -> str | None:
    """``getEmailIdentifierFromVerificationRecord``."""
    if isinstance(record, SocialVerification | EnterpriseSsoVerification):
        email = (record.user_info or {}).get("email")
        return email if isinstance(email, str) else None
    value = getattr(record, "value", None)
    return value if getattr(record, "identifier_type", None) == "email" and isinstance(value, str) else None


def _verified_info(record: EnterpriseSsoVerification) -> tuple[str, dict[str, Any]]:
    if record.user_info is None or record.issuer is None:
        raise LogtoError("session.verification_failed", 400)
    return record.issuer, record.user_info


def _identity(record: EnterpriseSsoVerification) -> dict[str, Any]:
    """``toUserProfile``'s ``enterpriseSsoIdentity``."""
    issuer, info = _verified_info(record)
    return {"issuer": issuer, "ssoConnectorId": record.connector_id, "identityId": info["id"], "detail": info}


def identify(ctx: Ctx, record: EnterpriseSsoVerification) -> User:
    """SignIn: the identity's user, else the user of its email (linked at submit)."""
    if not ctx.experience.single_sign_on:
        raise LogtoError("user.sign_in_method_not_enabled", 422)
    issuer, info = _verified_info(record)
    store = ctx.tenant.store
    with store.lock:
        known = ctx.tenant.sso.identity(issuer, info["id"], store.users)
        user = store.users.get(known.user_id) if known is not None else None
    pending: dict[str, Any] = {}
    if user is not None:
        pending["synced"] = _identity(record)
    else:
        email = info.get("email")
        user = store.user_by("email", email) if isinstance(email, str) and email else None
        if user is None:
            raise LogtoError("user.sso_identity_not_exist", 404)
        pending["identity"] = _identity(record)
    connector = ctx.tenant.sso.get(record.connector_id)
    if connector is not None and connector.sync_profile:  # toSyncedProfile()
        pending |= {k: info[k] for k in ("name", "avatar") if info.get(k)}
    with store.lock:
        record.pending = pending
    return user


def new_user_profile(ctx: Ctx, record: EnterpriseSsoVerification) -> dict[str, Any]:
    """Register: the email to stage (checked as a profile); the identity, name and avatar kept on the
    record for the user's creation."""
    issuer, info = _verified_info(record)
    email = info.get("email")
    if isinstance(email, str) and email:  # createUser: guardEmailBlocklist, then the profile's checks
        _email_blocklist.guard_email(ctx.experience.email_blocklist_policy, email)
    with ctx.tenant.store.lock:
        if ctx.tenant.sso.identity(issuer, info["id"], ctx.tenant.store.users) is not None:
            raise LogtoError("user.identity_already_in_use", 422)
    pending: dict[str, Any] = {k: info[k] for k in ("name", "avatar") if info.get(k)}
    pending["identity"] = _identity(record)
    with ctx.tenant.store.lock:
        record.pending = pending
    return {"primaryEmail": email} if isinstance(email, str) and email else {}


def _record(ctx: Ctx) -> EnterpriseSsoVerification | None:
    return next(
        (r for r in ctx.interaction.verifications.values() if isinstance(r, EnterpriseSsoVerification)), None
    )


def has_verified(ctx: Ctx) -> bool:
    """``hasVerifiedSsoIdentity``: MFA and the sign-up's required identifiers are skipped."""
    record = _record(ctx)
    return record is not None and record.verified


def apply_pending(ctx: Ctx, user: User) -> None:
    """At submit (or creation): the synced name and avatar, the new or refreshed SSO identity; a new
    identity provisions the user into its connector's JIT organizations (:mod:`._organization_jit`)."""
    record = _record(ctx)
    if record is None or not record.verified or not record.pending:
        return
    pending, record.pending = record.pending, {}
    for key in ("name", "avatar"):
        if key in pending:
            setattr(user, key, pending[key])
    now = ctx.tenant.store.now_ms()
    sso = ctx.tenant.sso
    with sso.lock:
        if "synced" in pending:  # updateUserSsoIdentityDetailByIdentityId
            synced = pending["synced"]
            for identity in sso.identities:
                if identity.issuer == synced["issuer"] and identity.identity_id == synced["identityId"]:
                    identity.detail, identity.updated_at = synced["detail"], now
        if "identity" in pending:  # addSsoIdentityToUser
            new = pending["identity"]
            sso.identities.append(
                UserSsoIdentity(
                    id=_sso_oidc.standard_id(),
                    user_id=user.id,
                    issuer=new["issuer"],
                    identity_id=new["identityId"],
                    sso_connector_id=new["ssoConnectorId"],
                    detail=new["detail"],
                    created_at=now,
                    updated_at=now,
                )
            )
    if "identity" in pending:  # addSsoIdentityToUser → provisionNewUserJitOrganizations
        _organization_jit.provision_by_sso_connector(
            ctx.tenant, user.id, pending["identity"]["ssoConnectorId"]
        )


ROUTES = [
    ("GET", paths.EXPERIENCE_SSO_CONNECTORS, connectors_by_email),
    ("POST", paths.EXPERIENCE_SSO_AUTHORIZATION_URI, authorization_uri),
    ("POST", paths.EXPERIENCE_SSO_VERIFY, verify),
]

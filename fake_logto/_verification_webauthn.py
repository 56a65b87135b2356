"""The Experience API's WebAuthn (passkey) verification: registration options and their answer checked (a
passkey to bind), authentication options and an assertion checked (a bound passkey as a sign-in's MFA).

Follows ``packages/core/src/routes/experience/verification-routes/web-authn-verification.ts``,
``classes/verifications/web-authn-verification.ts`` and ``libraries/verification-helpers/webauthn.ts``
(``@simplewebauthn/server`` 10 there; Duo Labs' ``webauthn`` here). All four routes need an identified user
(404 ``session.identifier_not_found``). The relying party is the request's host name (an IP address is
refused by browsers: address the fake as ``localhost``) and its origin the request's.

- ``/registration``: ``{verificationId, registrationOptions}``: a 32-byte challenge, ``rp {name, id}`` the
  host name, ``user.id`` the base64url of the user id, ``name``/``displayName`` the user's display names,
  60 s, attestation ``none``, the user's passkeys excluded, a resident key and user verification required,
  ES256 and RS256.
- ``/registration/verify`` ``{verificationId, payload}``: 404 ``session.verification_session_not_found``
  (no such record, or another user's); 400 ``session.mfa.pending_info_not_found`` (no registration
  challenge); 400 ``session.mfa.webauthn_verification_failed`` (``data.message``: the library's reason).
  Keeps ``BindWebAuthn`` (rpId, credentialId, publicKey base64url, counter, agent = user-agent,
  transports) for ``POST /api/experience/profile/mfa`` (:mod:`._mfa`).
- ``/authentication``: 400 ``session.mfa.webauthn_verification_not_found`` without a bound passkey; else
  ``{verificationId, authenticationOptions}`` (the user's passkeys allowed, user verification required).
- ``/authentication/verify``: 404 ``session.identity_conflict`` for another user's record; through the
  sentinel (action ``WebAuthn``): 400 ``session.mfa.pending_info_not_found`` without a challenge, 400
  ``session.mfa.webauthn_verification_failed`` for an unknown credential, a wrong challenge, origin or RP,
  a bad signature or a counter that did not grow. The passkey's counter and ``lastUsedAt`` are updated.

Not modelled: passkey sign-in (``sign-in-passkey/*``) and the account center's related origins.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _codes, _guards, _sentinel, paths
from ._errors import LogtoError
from ._experience_context import Ctx, bind, identified_user
from ._mfa_records import iso
from ._store import User, new_id
from ._verification_records import WebAuthnVerification
from ._verification_totp import display_name
from ._webauthn_guards import authentication_payload, registration_payload

if TYPE_CHECKING:
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

# The webauthn library (and its cbor2, pyOpenSSL, asn1 modules) is imported by the first WebAuthn request,
# in the functions below, not at start: discovery needs none of it (issue 20).

TIMEOUT_MS = 60_000  # webAuthnAuthenticationOptionsTimeout
ALGORITHMS = [-7, -257]  # ES256, RS256
FAILED = "session.mfa.webauthn_verification_failed"


def _user_id(ctx: Ctx) -> str:
    if ctx.interaction.user_id is None:
        raise LogtoError("session.identifier_not_found", 404)
    return ctx.interaction.user_id


def _origin(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _passkeys(user: User) -> list[dict[str, Any]]:
    """The user's WebAuthn factors (``mfaVerificationWebAuthn``), each with its ``id``."""
    return [{"id": v.id, **v.webauthn} for v in user.mfa_verifications if v.type == "WebAuthn"]


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    import webauthn
    from webauthn.helpers.structs import AuthenticatorTransport, PublicKeyCredentialDescriptor

    known = {t.value for t in AuthenticatorTransport}
    return [
        PublicKeyCredentialDescriptor(
            id=webauthn.base64url_to_bytes(passkey["credentialId"]),
            transports=[AuthenticatorTransport(t) for t in passkey.get("transports") or [] if t in known],
        )
        for passkey in _passkeys(user)
    ]


def _record(ctx: Ctx, verification_id: str) -> WebAuthnVerification:
    """``getVerificationRecordByTypeAndId``: 404 ``session.verification_session_not_found``."""
    record = ctx.interaction.verifications.get(verification_id)
    if not isinstance(record, WebAuthnVerification):
        raise LogtoError("session.verification_session_not_found", 404)
    return record


async def registration_options(request: Request) -> Response:
    """``POST /api/experience/verification/web-authn/registration``."""
    import webauthn
    from webauthn.helpers import options_to_json
    from webauthn.helpers.cose import COSEAlgorithmIdentifier
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    ctx = bind(request)
    user_id = _user_id(ctx)
    user = identified_user(ctx)
    rp_id = request.url.hostname or "localhost"
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=rp_id,
        challenge=secrets.token_bytes(32),  # @simplewebauthn/server's size
        user_id=user.id.encode(),
        user_name=display_name(dataclasses.replace(user, name=None)),
        user_display_name=display_name(user),
        timeout=TIMEOUT_MS,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            require_resident_key=True,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
        supported_pub_key_algs=[COSEAlgorithmIdentifier(a) for a in ALGORITHMS],
    )
    body = json.loads(options_to_json(options))
    body.setdefault("extensions", {})["credProps"] = True  # as @simplewebauthn/server adds it
    record = WebAuthnVerification(
        id=new_id(21), user_id=user_id, registration_challenge=body["challenge"], registration_rp_id=rp_id
    )
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id, "registrationOptions": body})


async def verify_registration(request: Request) -> Response:
    """``POST /api/experience/verification/web-authn/registration/verify`` ``{verificationId, payload}``."""
    import webauthn
    from webauthn.helpers import bytes_to_base64url

    ctx = bind(request)
    body = await _guards.body(request)
    verification_id = _guards.field(body, "verificationId", str)
    payload = registration_payload(body)
    user_id = _user_id(ctx)
    record = _record(ctx, verification_id)
    if record.user_id != user_id:
        raise LogtoError("session.verification_session_not_found", 404)
    if not record.registration_challenge or not record.registration_rp_id:
        raise LogtoError("session.mfa.pending_info_not_found", 400)
    try:
        verified = webauthn.verify_registration_response(
            credential={**payload, "type": "public-key"},
            expected_challenge=webauthn.base64url_to_bytes(record.registration_challenge),
            expected_rp_id=record.registration_rp_id,
            expected_origin=_origin(request),
            require_user_verification=True,
        )
    except Exception as exc:  # the library's refusal, or input it cannot even parse
        raise LogtoError(FAILED, 400, {"message": str(exc) or type(exc).__name__}) from exc
    record.verified = True
    record.registration_info = {
        "type": "WebAuthn",
        "rpId": record.registration_rp_id,
        "credentialId": bytes_to_base64url(verified.credential_id),
        "publicKey": bytes_to_base64url(verified.credential_public_key),
        "counter": verified.sign_count,
        "agent": request.headers.get("user-agent", ""),
        "transports": list(payload["response"].get("transports") or []),
    }
    return JSONResponse({"verificationId": record.id})


async def authentication_options(request: Request) -> Response:
    """``POST /api/experience/verification/web-authn/authentication``."""
    import webauthn
    from webauthn.helpers import options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    ctx = bind(request)
    user_id = _user_id(ctx)
    user = identified_user(ctx)
    descriptors = _descriptors(user)
    if not descriptors:
        raise LogtoError("session.mfa.webauthn_verification_not_found", 400)
    options = webauthn.generate_authentication_options(
        rp_id=request.url.hostname or "localhost",
        challenge=secrets.token_bytes(32),
        timeout=TIMEOUT_MS,
        allow_credentials=descriptors,
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    body = json.loads(options_to_json(options))
    record = WebAuthnVerification(id=new_id(21), user_id=user_id, authentication_challenge=body["challenge"])
    _codes.install_record(ctx.tenant, ctx.interaction, record)
    return JSONResponse({"verificationId": record.id, "authenticationOptions": body})


def _assert(ctx: Ctx, request: Request, record: WebAuthnVerification, payload: dict[str, Any]) -> None:
    """``verifyWebAuthnAuthentication``: the assertion of one of the user's passkeys, its counter moved on."""
    import webauthn

    if not record.authentication_challenge:
        raise LogtoError("session.mfa.pending_info_not_found", 400)
    store, rp_id = ctx.tenant.store, request.url.hostname or "localhost"
    with store.lock:
        user = store.users.get(record.user_id)
        if user is None:
            raise LogtoError("entity.not_found", 404)
        factor = next(
            (
                v
                for v in user.mfa_verifications
                if v.type == "WebAuthn" and v.webauthn.get("credentialId") == payload["id"]
            ),
            None,
        )
        if factor is None:
            raise LogtoError(FAILED, 400)
        try:
            verified = webauthn.verify_authentication_response(
                credential={**payload, "type": "public-key"},
                expected_challenge=webauthn.base64url_to_bytes(record.authentication_challenge),
                expected_rp_id=rp_id,
                expected_origin=_origin(request),
                credential_public_key=webauthn.base64url_to_bytes(factor.webauthn["publicKey"]),
                credential_current_sign_count=int(factor.webauthn.get("counter") or 0),
                require_user_verification=True,
            )
        except Exception as exc:  # Logto answers every failure alike, without a reason
            raise LogtoError(FAILED, 400) from exc
        factor.webauthn["rpId"] = factor.webauthn.get("rpId") or rp_id
        factor.webauthn["counter"] = verified.new_sign_count
        factor.last_used_at = iso(store.now_ms())


async def verify_authentication(request: Request) -> Response:
    """``POST /api/experience/verification/web-authn/authentication/verify`` ``{verificationId, payload}``."""
    ctx = bind(request)
    body = await _guards.body(request)
    verification_id = _guards.field(body, "verificationId", str)
    payload = authentication_payload(body)
    user_id = _user_id(ctx)
    record = _record(ctx, verification_id)
    if record.user_id != user_id:
        raise LogtoError("session.identity_conflict", 404)

    async def check() -> None:
        _assert(ctx, request, record, payload)

    policy = ctx.experience.sentinel_policy
    await _sentinel.guarded(ctx.tenant.sentinel, policy, "WebAuthn", user_id, check)
    record.verified = True
    return JSONResponse({"verificationId": record.id})


ROUTES = [
    ("POST", paths.EXPERIENCE_WEBAUTHN_REGISTRATION, registration_options),
    ("POST", paths.EXPERIENCE_WEBAUTHN_REGISTRATION_VERIFY, verify_registration),
    ("POST", paths.EXPERIENCE_WEBAUTHN_AUTHENTICATION, authentication_options),
    ("POST", paths.EXPERIENCE_WEBAUTHN_AUTHENTICATION_VERIFY, verify_authentication),
]

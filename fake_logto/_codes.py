"""Verification codes: create, send through the tenant's connector, verify — Logto's passcode library.

Follows ``packages/core/src/libraries/passcode.ts`` (create, send, verify), the per-recipient send cap of
``packages/core/src/sentinel/message-rate-guard.ts`` and the send flow of
``packages/core/src/routes/experience/verification-routes/verification-code-helpers.ts``:

- a code is ``code_policy.length`` digits, good for ``code_policy.expiry`` seconds on the tenant clock;
- every send makes a *new* verification record; the interaction keeps one record per type, so a resend
  replaces the earlier record and its code (only the newest code works) — but only once the new code
  went out: a failed send leaves the interaction exactly as it was;
- verify checks, in Logto's order: code given and not consumed (``not_found``), same address
  (``email_mismatch``), ``expired``, ``exceed_max_try`` (after ``max_attempts`` wrong codes), then
  ``code_mismatch`` (which counts an attempt);
- the cap: ``send_cap`` sends per recipient (lower-cased) per ``send_window`` seconds, checked before
  sending (429 ``request.message_rate_limited``); a suppressed send (no account: anti-enumeration) counts,
  a failed one does not;
- the connector's payload is ``{code, locale, uiLocales?, application?}``, and a connector failure becomes
  ``connector.<code>`` with the failure's data (Mailgun's ``statusCode`` and ``body``), as
  ``koa-connector-error-handler.ts`` maps it.

Every attempt, refused or failed ones included, is recorded in ``store.sent`` for ``/__harness/codes``.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from ._connectors import ConnectorFailure
from ._errors import LogtoError
from ._ids import random_string
from ._store import Interaction, SentCode, new_id
from ._tenant import Tenant
from ._verification_records import (
    BackupCodeVerification,
    CodeVerification,
    EnterpriseSsoVerification,
    MfaCodeVerification,
    NewPasswordIdentityVerification,
    OneTimeTokenVerification,
    SocialVerification,
    TotpVerification,
    VerificationRecord,
    WebAuthnVerification,
)

# Verification record types (``VerificationType`` in @logto/schemas), by identifier type.
RECORD_TYPES: dict[str, str] = {"email": "EmailVerificationCode", "phone": "PhoneVerificationCode"}
# Which connector type an identifier needs (the tenant's connector is an email one).
CONNECTOR_TYPES: dict[str, str] = {"email": "Email", "phone": "Sms"}
# ConnectorError code -> API status (packages/core/src/middleware/koa-connector-error-handler.ts).
FAILURE_STATUS: dict[str, int] = {
    "general": 400,
    "template_not_found": 400,
    "invalid_config": 400,
    "rate_limit_exceeded": 429,
    "usage_limit_exceeded": 429,
    "not_implemented": 501,
}
# The sign-in experience's built-in languages (packages/phrases-experience), in Logto's order.
BUILT_IN_LANGUAGES = (
    "ar", "cs", "de", "en", "es", "fa-IR", "fr", "it", "ja", "ko",
    "pl-PL", "pt-PT", "pt-BR", "ru", "th", "tr-TR", "uk-UA", "zh-CN", "zh-HK", "zh-TW",
)  # fmt: skip
FALLBACK_LANGUAGE = "en"


def new_code(length: int) -> str:
    return random_string("0123456789", length)


def normalize_recipient(value: str) -> str:
    """One rate-limit bucket per address however it is cased or spaced (message-rate-guard.ts)."""
    value = value.strip()
    return value.lower() if "@" in value else "".join(ch for ch in value if ch.isdigit())


def _accepted(accept_language: str | None) -> list[str]:
    """Accept-Language tags, most wanted first."""
    weighted = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            weight = float(q)
        except ValueError:
            weight = 0.0
        if tag and tag != "*" and weight > 0:
            weighted.append((-weight, i, tag))
    return [tag for _, _, tag in sorted(weighted)]


def _built_in(tag: str) -> str | None:
    """The built-in language for ``tag``: an exact match, else the first with its base language."""
    wanted = tag.lower()
    exact = [lang for lang in BUILT_IN_LANGUAGES if lang.lower() == wanted]
    by_base = [lang for lang in BUILT_IN_LANGUAGES if lang.lower().split("-")[0] == wanted.split("-")[0]]
    return next(iter(exact or by_base), None)


def email_locale(ui_locales: str | None, accept_language: str | None) -> str:
    """The template locale (koa-email-i18n.ts ``getExperienceLanguage``, the seed's auto-detect on): the
    first of the ``ui_locales`` tags, then the Accept-Language ones, that matches a built-in language
    exactly or by its base (``fr-CA`` -> ``fr``, ``zh`` -> ``zh-CN``); else ``en``."""
    candidates = [*(ui_locales or "").split(), *_accepted(accept_language)]
    return next((lang for tag in candidates if (lang := _built_in(tag))), FALLBACK_LANGUAGE)


def message_payload(
    tenant: Tenant, interaction: Interaction, identifier_type: str, accept_language: str | None
) -> dict[str, Any]:
    """What Logto adds to ``code`` in the connector payload; undefined values are left out."""
    ui_locales = interaction.params.get("ui_locales") or None
    payload: dict[str, Any] = {"locale": email_locale(ui_locales, accept_language)}
    if ui_locales:
        payload["uiLocales"] = ui_locales
    app = tenant.config.application(interaction.client_id)
    if identifier_type == "email" and app is not None:  # the context is built for email only
        payload["application"] = {"id": app.id, "name": app.name}
    return payload


def sends_in_window(tenant: Tenant, recipient: str) -> int:
    """Sends to ``recipient`` that count toward its cap now: delivered, suppressed or in flight."""
    policy = tenant.config.code_policy
    since = tenant.clock.now() - policy.send_window
    sent = tenant.store.sent_to(normalize_recipient(recipient))
    return sum(1 for s in sent if s.error is None and s.sent_at > since)


def _record_refusal(tenant: Tenant, to: str, usage_type: str, verification_id: str, error: str) -> None:
    refused = SentCode(
        to, usage_type, None, verification_id, tenant.clock.now(), delivered=False, error=error
    )
    tenant.store.add_sent(refused, normalize_recipient(to))


def _connector_error(failure: ConnectorFailure) -> LogtoError:
    code = f"connector.{failure.code}"
    status = FAILURE_STATUS.get(failure.code, 400)
    if failure.code == "general":
        description = failure.data.get("errorDescription") or json.dumps(failure.data, separators=(",", ":"))
        return LogtoError(code, status, failure.data, errorDescription=str(description))
    return LogtoError(code, status, failure.data or None)


async def send_code(
    tenant: Tenant,
    interaction: Interaction,
    identifier_type: str,
    value: str,
    event: str,
    *,
    deliver: bool = True,
    accept_language: str | None = None,
    record_class: type[CodeVerification] = CodeVerification,
) -> CodeVerification:
    """Create a code for ``value`` and send it with the template ``event`` names (an ``InteractionEvent``,
    ``BindMfa`` or ``MfaVerification``, whose record is ``record_class``) (``deliver=False``: create it, send
    nothing — the anti-enumeration case, where the record exists but no code can match it). On success the
    new record replaces the interaction's earlier one of the same type; on any failure nothing changes but
    the log.
    """
    store, policy = tenant.store, tenant.config.code_policy
    verification_id = new_id(21)  # generateStandardId()
    now = tenant.clock.now()
    code = new_code(policy.length) if deliver else None
    attempt = SentCode(value, event, code, verification_id, now, delivered=False)
    with store.lock:
        if sends_in_window(tenant, value) >= policy.send_cap:
            _record_refusal(tenant, value, event, verification_id, "request.message_rate_limited")
            raise LogtoError("request.message_rate_limited", 429)
        store.add_sent(attempt, normalize_recipient(value))  # holds a slot of the cap while in flight
    record = record_class(
        id=verification_id,
        identifier_type=identifier_type,
        value=value,
        event=event,
        code=code,
        created_at=now,
        expires_at=now + policy.expiry,
    )
    if code is not None:
        connector = tenant.connectors.sender(CONNECTOR_TYPES[identifier_type])
        try:
            if connector is None:
                raise LogtoError("connector.not_found", 501, type=CONNECTOR_TYPES[identifier_type])
            payload = {"code": code, **message_payload(tenant, interaction, identifier_type, accept_language)}
            delivery = await connector.send(value, event, payload)
        except ConnectorFailure as failure:
            attempt.error = f"connector.{failure.code}: {failure.message}"
            tenant.events.record(
                "code_send_failed", flow=interaction.uid, client_id=interaction.client_id, email=value,
                usage_type=event, error=attempt.error, provider=failure.data,
            )  # fmt: skip
            raise _connector_error(failure) from failure
        except LogtoError as error:
            attempt.error = error.code
            raise
        except BaseException as exc:  # cancelled or a bug: never leave the slot taken
            attempt.error = f"{type(exc).__name__}: {exc}"
            raise
        attempt.delivered = True
        tenant.events.record(
            "code_sent", flow=interaction.uid, client_id=interaction.client_id, email=value, usage_type=event,
            verification_id=verification_id, delivery_status=delivery.status, mailgun_id=delivery.message_id,
            inbox_url=delivery.inbox_url,
        )  # fmt: skip
    else:
        tenant.events.record(
            "code_suppressed", flow=interaction.uid, client_id=interaction.client_id, email=value, usage_type=event,
            reason="no account for this address (no enumeration): no email sent",
        )  # fmt: skip
    install_record(tenant, interaction, record)
    return record


async def send_message(tenant: Tenant, to: str, template_type: str, payload: dict[str, Any]) -> None:
    """Send a message that carries no code (an organization invitation) through the email connector, under
    the same per-recipient cap as the codes (``withMessageRateGuard`` around ``sendMessage`` in
    ``libraries/organization-invitation.ts`` ``sendEmail``: one ``MessageSend`` bucket per recipient); no
    email connector → 501 ``connector.not_found``, a connector failure as :func:`send_code` answers it.
    Recorded in ``store.sent`` (no code) and the debug log (``message_sent``, ``message_send_failed``)."""
    store, policy = tenant.store, tenant.config.code_policy
    attempt = SentCode(to, template_type, None, new_id(21), tenant.clock.now(), delivered=False)
    with store.lock:
        if sends_in_window(tenant, to) >= policy.send_cap:
            _record_refusal(
                tenant, to, template_type, attempt.verification_id, "request.message_rate_limited"
            )
            raise LogtoError("request.message_rate_limited", 429)
        store.add_sent(attempt, normalize_recipient(to))  # holds a slot of the cap while in flight
    try:
        connector = tenant.connectors.sender("Email")
        if connector is None:
            raise LogtoError("connector.not_found", 501, type="Email")
        delivery = await connector.send(to, template_type, payload)
    except ConnectorFailure as failure:
        attempt.error = f"connector.{failure.code}: {failure.message}"
        tenant.events.record(
            "message_send_failed",
            email=to,
            usage_type=template_type,
            error=attempt.error,
            provider=failure.data,
        )
        raise _connector_error(failure) from failure
    except LogtoError as error:
        attempt.error = error.code
        raise
    except BaseException as exc:  # cancelled or a bug: never leave the slot taken
        attempt.error = f"{type(exc).__name__}: {exc}"
        raise
    attempt.delivered = True
    tenant.events.record(
        "message_sent", email=to, usage_type=template_type, delivery_status=delivery.status,
        mailgun_id=delivery.message_id, inbox_url=delivery.inbox_url,
    )  # fmt: skip


def record_type(record: VerificationRecord) -> str:
    """Logto's ``VerificationType`` of an interaction's verification record."""
    if isinstance(
        record, CodeVerification
    ):  # an MFA code: MfaEmailVerificationCode, MfaPhoneVerificationCode
        prefix = "Mfa" if isinstance(record, MfaCodeVerification) else ""
        return prefix + RECORD_TYPES[record.identifier_type]
    if isinstance(record, NewPasswordIdentityVerification):
        return "NewPasswordIdentity"
    if isinstance(record, TotpVerification | BackupCodeVerification):
        return "Totp" if isinstance(record, TotpVerification) else "BackupCode"
    if isinstance(record, WebAuthnVerification):
        return "WebAuthn"
    if isinstance(record, OneTimeTokenVerification):
        return "OneTimeToken"
    if isinstance(record, SocialVerification):
        return "Social"
    if isinstance(record, EnterpriseSsoVerification):
        return "EnterpriseSso"
    return "Password"


def install_record(tenant: Tenant, interaction: Interaction, record: VerificationRecord) -> None:
    """Keep ``record``, dropping the interaction's earlier record of its type (one per type, as Logto's
    ``VerificationRecordsMap``): a resend's new code replaces the old one."""
    kind = record_type(record)
    with tenant.store.lock:
        for stale in [k for k, r in interaction.verifications.items() if record_type(r) == kind]:
            del interaction.verifications[stale]
        interaction.verifications[record.id] = record


def verify_code(tenant: Tenant, record: CodeVerification, value: str, code: str) -> None:
    """Check ``code`` for ``record`` (passcode.ts ``verifyPasscode``); marks the record verified."""
    policy = tenant.config.code_policy
    with tenant.store.lock:
        if not code or record.verified:  # a verified record's code is consumed
            raise LogtoError("verification_code.not_found")
        if value != record.value:
            raise LogtoError(f"verification_code.{record.identifier_type}_mismatch")
        if tenant.clock.now() > record.expires_at:
            raise LogtoError("verification_code.expired")
        if record.attempts >= policy.max_attempts:
            raise LogtoError("verification_code.exceed_max_try")
        if record.code is None or not secrets.compare_digest(code.encode(), record.code.encode()):
            record.attempts += 1
            raise LogtoError("verification_code.code_mismatch")
        record.verified = True

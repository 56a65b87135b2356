"""The OpenAPI operations of MFA: the Experience API's TOTP and backup-code verifications and
``/profile/mfa`` routes (:mod:`._verification_totp`, :mod:`._verification_backup_code`, :mod:`._mfa`) and
the MFA verification codes (:mod:`._verification_mfa_code`), the Management API's user MFA verifications
(:mod:`._management_user_mfa`) and user logto config (:mod:`._management_user_logto_configs`), as Logto's
``totp-verification.openapi.json``, ``backup-code-verification.openapi.json``,
``profile-routes.openapi.json``, ``admin-user/mfa-verification.openapi.json`` and ``admin-user/basic.openapi.json`` describe them; and the MFA pages of the sign-in UI (:mod:`._pages_mfa`)."""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_management import BAD_BODY, NOT_FOUND, OBJECT, api_op
from ._openapi_shapes import (
    STRING,
    Operation,
    html_answer,
    interaction_cookie,
    json_body,
    logto_error,
    obj,
    param,
    redirect,
)

FACTOR = {
    "type": "string",
    "enum": ["Totp", "WebAuthn", "BackupCode", "EmailVerificationCode", "PhoneVerificationCode"],
}
STRINGS = {"type": "array", "items": STRING}
KIND = {"type": "string", "enum": ["email", "phone"]}


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _experience(
    operation_id: str, summary: str, source: str, answers: dict[str, Any], body: Any = None
) -> Operation:
    operation: Operation = {
        "tags": ["Experience API"],
        "operationId": operation_id,
        "summary": summary,
        "description": f"Logto's ``packages/core/src/routes/experience/{source}``.",
        "parameters": [interaction_cookie()],
        "responses": {
            **answers,
            "400": logto_error("session.not_found, guard.invalid_input, session.mfa.*, …"),
            "404": logto_error("session.interaction_not_found, session.identifier_not_found, …"),
        },
    }
    if body is not None:
        operation["requestBody"] = json_body(body)
    return operation


def _experience_operations() -> dict[tuple[str, str], Operation]:
    verified = {"200": _answer("``{verificationId}``", obj({"verificationId": STRING}, "verificationId"))}
    done = {"204": {"description": "done"}}
    refused = {
        "403": logto_error("session.mfa.require_mfa_verification"),
        "422": logto_error("session.mfa.*, user.*"),
    }
    totp, backup = (
        "verification-routes/totp-verification.ts",
        "verification-routes/backup-code-verification.ts",
    )
    secret = obj(
        {"verificationId": STRING, "secret": STRING, "secretQrCode": STRING},
        "verificationId",
        "secret",
        "secretQrCode",
    )
    codes = obj({"verificationId": STRING, "codes": STRINGS}, "verificationId", "codes")
    code_routes = "verification-routes/verification-code.ts"
    return {
        ("POST", paths.EXPERIENCE_TOTP_SECRET): _experience(
            "experience_totp_secret", "Create a TOTP secret to bind", totp, {"200": _answer("the secret", secret)}
        ),
        ("POST", paths.EXPERIENCE_TOTP_VERIFY): _experience(
            "experience_totp_verify", "Verify a TOTP code (of a new secret, or of the user's)", totp, verified,
            obj({"code": STRING, "verificationId": STRING}, "code"),
        ),
        ("POST", paths.EXPERIENCE_BACKUP_CODE_GENERATE): _experience(
            "experience_backup_code_generate", "Generate backup codes to bind", backup, {"200": _answer("the codes", codes)}
        ),
        ("POST", paths.EXPERIENCE_BACKUP_CODE_VERIFY): _experience(
            "experience_backup_code_verify", "Use one of the user's backup codes", backup, verified,
            obj({"code": STRING}, "code"),
        ),
        ("POST", paths.EXPERIENCE_MFA): _experience(
            "experience_bind_mfa", "Bind a verified MFA factor", "profile-routes.ts", {**done, **refused},
            obj({"type": FACTOR, "verificationId": STRING}, "type", "verificationId"),
        ),
        ("POST", paths.EXPERIENCE_MFA_SKIPPED): _experience(
            "experience_skip_mfa", "Skip binding MFA (a user-controlled policy)", "profile-routes.ts", {**done, **refused}
        ),
        ("POST", paths.EXPERIENCE_MFA_ENABLED): _experience(
            "experience_enable_mfa", "Mark MFA enabled", "profile-routes.ts", {**done, **refused}
        ),
        ("POST", paths.EXPERIENCE_MFA_SUGGESTION_SKIPPED): _experience(
            "experience_skip_mfa_suggestion", "Decline the suggestion to add another factor", "profile-routes.ts",
            {**done, **refused},
        ),
        ("POST", paths.EXPERIENCE_MFA_CODE_SEND): _experience(
            "experience_mfa_code_send", "Send a code to the user's own email or phone (MFA)", code_routes,
            {**verified, "501": logto_error("connector.not_found")}, obj({"identifierType": KIND}, "identifierType"),
        ),
        ("POST", paths.EXPERIENCE_MFA_CODE_VERIFY): _experience(
            "experience_mfa_code_verify", "Verify an MFA code sent to the user's email or phone", code_routes,
            verified,
            obj({"verificationId": STRING, "code": STRING, "identifierType": KIND}, "verificationId", "code", "identifierType"),
        ),
    }  # fmt: skip


def _management_operations() -> dict[tuple[str, str], Operation]:
    listed = _answer("the user's factors, without secrets", {"type": "array", "items": OBJECT})
    created = _answer("``{type: Totp, secret, secretQrCode}`` or ``{type: BackupCode, codes}``", OBJECT)
    unprocessable = {
        "422": logto_error("user.totp_already_in_use, user.totp_secret_invalid, user.backup_code_*")
    }
    operations = {
        ("GET", paths.MANAGEMENT_USER_MFA): api_op(
            "ListUserMfaVerifications", "A user's MFA verifications", {"200": listed, **NOT_FOUND}
        ),
        ("POST", paths.MANAGEMENT_USER_MFA): api_op(
            "CreateUserMfaVerification", "Bind a TOTP or backup codes to a user",
            {"200": created, **NOT_FOUND, **BAD_BODY, **unprocessable},
            obj({"type": {"type": "string", "enum": ["Totp", "BackupCode"]}, "secret": STRING, "codes": STRINGS}, "type"),
        ),
        ("DELETE", paths.MANAGEMENT_USER_MFA_ONE): api_op(
            "DeleteUserMfaVerification", "Remove one of a user's MFA verifications",
            {"204": {"description": "removed"}, "404": logto_error("entity.not_found")},
        ),
    }  # fmt: skip
    for operation in operations.values():
        operation["description"] = "Logto's ``packages/core/src/routes/admin-user/mfa-verifications.ts``."
    operations[("DELETE", paths.MANAGEMENT_USER_MFA_ONE)]["parameters"].append(
        param("verification_id", "path", "the verification's id", required=True)
    )
    return {**operations, **_logto_config_operations()}


BOOLEAN = {"type": "boolean"}
LOGTO_CONFIG = obj(
    {
        "mfa": obj({"enabled": BOOLEAN, "skipped": BOOLEAN, "skipMfaOnSignIn": BOOLEAN}, "skipped", "skipMfaOnSignIn"),
        "passkeySignIn": obj({"skipped": BOOLEAN}, "skipped"),
    },
    "mfa",
    "passkeySignIn",
)  # fmt: skip


def _logto_config_operations() -> dict[tuple[str, str], Operation]:
    """``GET``/``PATCH /api/users/{userId}/logto-configs`` (:mod:`._management_user_logto_configs`), as
    ``admin-user/basic.openapi.json`` describes them; operation ids as Logto's ``buildOperationId``."""
    answer = _answer(
        "the exposed logto config: MFA states (``enabled`` absent while never set) and passkey sign-in states",
        LOGTO_CONFIG,
    )
    flags = ("enabled", "skipped", "additionalBindingSuggestionSkipped", "skipMfaOnSignIn")
    body = obj({"mfa": obj({f: BOOLEAN for f in flags}), "passkeySignIn": obj({"skipped": BOOLEAN})})
    operations = {
        ("GET", paths.MANAGEMENT_USER_LOGTO_CONFIGS): api_op(
            "ListUserLogtoConfigs", "A user's MFA and passkey sign-in states", {"200": answer, **NOT_FOUND}
        ),
        ("PATCH", paths.MANAGEMENT_USER_LOGTO_CONFIGS): api_op(
            "UpdateUserLogtoConfigs", "Set a user's MFA and passkey sign-in states (only the given fields)",
            {"200": answer, **NOT_FOUND, **BAD_BODY}, body,
        ),
    }  # fmt: skip
    for operation in operations.values():
        operation["description"] = (
            "Logto's ``packages/core/src/routes/admin-user/basics.ts`` and ``libraries/user-logto-config.ts``."
        )
    return operations


def _page_operations() -> dict[tuple[str, str], Operation]:
    pages = {
        paths.MFA_BINDING: "Choose a factor to bind",
        paths.MFA_BINDING + "/Totp": "Bind an authenticator app (QR code, key, one-time code)",
        paths.MFA_BINDING + "/BackupCode": "Save the new backup codes",
        paths.MFA_VERIFICATION: "Choose a factor to verify",
        paths.MFA_VERIFICATION + "/Totp": "Enter the authenticator app's one-time code",
        paths.MFA_VERIFICATION + "/BackupCode": "Enter a backup code",
        paths.MFA_ONBOARDING: "Turn on 2-step verification, or skip it",
        paths.MFA_VERIFICATION + "/EmailVerificationCode": "Enter the code sent to the user's email",
        paths.MFA_VERIFICATION + "/PhoneVerificationCode": "Enter the code sent to the user's phone",
        paths.MFA_BINDING + "/EmailVerificationCode": "Link an email address as the second factor",
        paths.MFA_BINDING + "/PhoneVerificationCode": "Link a phone number as the second factor",
    }
    return {
        ("GET", path): {
            "tags": ["Sign-in UI"],
            "operationId": "page_" + path.strip("/").replace("-", "_").replace("/", "_"),
            "summary": summary,
            "description": "A page of Logto's sign-in UI (``packages/experience/src/pages/MfaBinding``, "
            "``MfaVerification``, ``MfaOnboarding``).",
            "parameters": [param("app_id", "query", "the application being signed in to"), interaction_cookie()],
            "responses": {"200": html_answer("the page"), "303": redirect("no live interaction: to /unknown-session")},
        }
        for path, summary in pages.items()
    }  # fmt: skip


def operations() -> dict[tuple[str, str], Operation]:
    return {**_experience_operations(), **_management_operations(), **_page_operations()}

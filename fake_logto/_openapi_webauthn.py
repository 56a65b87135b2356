"""The OpenAPI operations of passkeys: the Experience API's WebAuthn routes (:mod:`._verification_webauthn`,
as Logto's ``web-authn-verification.openapi.json`` describes them) and the two WebAuthn pages
(:mod:`._pages_webauthn`)."""

from __future__ import annotations

from typing import Any

from . import paths
from ._openapi_experience import PAGE_ANSWERS
from ._openapi_management import OBJECT
from ._openapi_shapes import STRING, Operation, interaction_cookie, json_body, logto_error, obj, param

SOURCE = "Logto's ``packages/core/src/routes/experience/verification-routes/web-authn-verification.ts``."
PAYLOAD = obj(
    {
        "type": {"type": "string", "enum": ["WebAuthn"]},
        "id": STRING,
        "rawId": STRING,
        "response": OBJECT,
        "clientExtensionResults": OBJECT,
    },
    "type",
    "id",
    "rawId",
    "response",
    "clientExtensionResults",
)


def _answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _op(operation_id: str, summary: str, answer: dict[str, Any], body: bool) -> Operation:
    operation: Operation = {
        "tags": ["Experience API"],
        "operationId": operation_id,
        "summary": summary,
        "description": SOURCE,
        "parameters": [interaction_cookie()],
        "responses": {
            "200": answer,
            "400": logto_error("guard.invalid_input, session.mfa.webauthn_verification_*, …"),
            "404": logto_error("session.identifier_not_found, session.verification_session_not_found, …"),
        },
    }
    if body:
        operation["requestBody"] = json_body(
            obj({"verificationId": STRING, "payload": PAYLOAD}, "verificationId", "payload")
        )
    return operation


def _page(path: str, summary: str) -> Operation:
    return {
        "tags": ["Sign-in UI"],
        "operationId": "page_" + path.strip("/").replace("-", "_").replace("/", "_"),
        "summary": summary,
        "description": "A page of Logto's sign-in UI (``packages/experience/src/App.tsx``).",
        "parameters": [param("app_id", "query", "the application being signed in to"), interaction_cookie()],
        "responses": PAGE_ANSWERS,
    }


def operations() -> dict[tuple[str, str], Operation]:
    verified = _answer("``{verificationId}``", obj({"verificationId": STRING}, "verificationId"))
    registration = obj(
        {"verificationId": STRING, "registrationOptions": OBJECT}, "verificationId", "registrationOptions"
    )
    authentication = obj(
        {"verificationId": STRING, "authenticationOptions": OBJECT}, "verificationId", "authenticationOptions"
    )
    return {
        ("POST", paths.EXPERIENCE_WEBAUTHN_REGISTRATION): _op(
            "experience_webauthn_registration", "Options to register a passkey", _answer("the options", registration), False
        ),
        ("POST", paths.EXPERIENCE_WEBAUTHN_REGISTRATION_VERIFY): _op(
            "experience_webauthn_registration_verify", "Check a passkey's registration", verified, True
        ),
        ("POST", paths.EXPERIENCE_WEBAUTHN_AUTHENTICATION): _op(
            "experience_webauthn_authentication", "Options to assert a bound passkey", _answer("the options", authentication), False
        ),
        ("POST", paths.EXPERIENCE_WEBAUTHN_AUTHENTICATION_VERIFY): _op(
            "experience_webauthn_authentication_verify", "Check a passkey's assertion (MFA)", verified, True
        ),
        ("GET", paths.MFA_BINDING_WEBAUTHN): _page(paths.MFA_BINDING_WEBAUTHN, "Create a passkey"),
        ("GET", paths.MFA_VERIFICATION_WEBAUTHN): _page(paths.MFA_VERIFICATION_WEBAUTHN, "Verify via passkey"),
    }  # fmt: skip

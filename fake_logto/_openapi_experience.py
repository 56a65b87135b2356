"""The OpenAPI operations of fake_logto's sign-in experience, written out by hand: the Experience API
(``/api/experience``), ``/api/.well-known/sign-in-exp`` and the sign-in UI's pages.

The Experience API's handlers run Logto's own body guard (``koaGuard``, :mod:`._guards`) on the raw
request, so FastAPI has nothing to infer from — and must not validate them. Errors are Logto's
``{code, message, data?}``; the pages answer HTML or redirect.
"""

from __future__ import annotations

from typing import Any

from . import _guards, paths
from ._openapi_shapes import (
    EVENT,
    STRING,
    Operation,
    html_answer,
    identifier,
    interaction_cookie,
    json_answer,
    json_body,
    logto_error,
    obj,
    param,
    pattern,
    redirect,
)
from ._verification import CODE_IDENTIFIERS, PASSWORD_IDENTIFIERS

PAGE_ANSWERS: dict[str, Any] = {
    "200": html_answer("the page"),
    "303": redirect(
        "no live interaction: to /unknown-session; a flow the tenant does not offer: to /sign-in"
    ),
}


def _experience() -> dict[tuple[str, str], Operation]:
    def op(
        operation_id: str, summary: str, source: str, answers: dict[str, Any], body: Any = None
    ) -> Operation:
        errors = {
            "400": logto_error(
                "session.not_found (no signed interaction cookie, or its interaction is gone; with the "
                "provider's error and error_description), guard.invalid_input (a bad body: only JSON and "
                "form bodies are read, a text/plain one is a string), session.verification_failed, …"
            ),
            "404": logto_error("session.interaction_not_found (PUT /api/experience has not run), …"),
        }
        operation: Operation = {
            "tags": ["Experience API"],
            "operationId": operation_id,
            "summary": summary,
            "description": f"Logto's ``packages/core/src/routes/experience/{source}``.",
            "parameters": [interaction_cookie()],
            "responses": {**answers, **errors},
        }
        if body is not None:
            operation["requestBody"] = json_body(body)
        return operation

    done = {"204": {"description": "done"}}
    verified = {"200": json_answer("the verification record's id", "VerificationId")}
    unprocessable = {"422": logto_error("the sign-in experience or the account does not allow it")}
    event = obj({"interactionEvent": EVENT}, "interactionEvent")
    return {
        ("PUT", paths.EXPERIENCE): op("experience_start", "Start an interaction", "index.ts", done, event),
        ("PUT", paths.EXPERIENCE_EVENT): op(
            "experience_event",
            "Switch the interaction event",
            "index.ts",
            {**done, "403": logto_error("auth.forbidden: registration is off")},
            event,
        ),
        ("POST", paths.EXPERIENCE_CODE_SEND): op(
            "experience_code_send",
            "Send a verification code",
            "verification-routes/verification-code.ts",
            {
                **verified,
                "429": logto_error("request.message_rate_limited"),
                "501": logto_error(
                    "connector.not_found: no connector for this identifier (a phone: no SMS connector)"
                ),
            },
            obj(
                {"identifier": identifier(CODE_IDENTIFIERS), "interactionEvent": EVENT},
                "identifier",
                "interactionEvent",
            ),
        ),
        ("POST", paths.EXPERIENCE_CODE_VERIFY): op(
            "experience_code_verify",
            "Verify a code",
            "verification-routes/verification-code.ts",
            verified,
            obj(
                {"identifier": identifier(CODE_IDENTIFIERS), "verificationId": STRING, "code": STRING},
                "identifier",
                "verificationId",
                "code",
            ),
        ),
        ("POST", paths.EXPERIENCE_PASSWORD_VERIFY): op(
            "experience_password_verify",
            "Verify a password",
            "verification-routes/password-verification.ts",
            {**verified, **unprocessable},
            obj(
                {"identifier": identifier(PASSWORD_IDENTIFIERS), "password": STRING},
                "identifier",
                "password",
            ),
        ),
        ("POST", paths.EXPERIENCE_NEW_PASSWORD_IDENTITY): op(
            "experience_new_password_identity",
            "Check a new username and password for a registration",
            "verification-routes/new-password-identity-verification.ts",
            {
                **verified,
                "422": logto_error("user.username_already_in_use, password.rejected (data: the issues)"),
            },
            obj(
                {"identifier": identifier({"username": _guards.USERNAME_RE}), "password": STRING},
                "identifier",
                "password",
            ),
        ),
        ("POST", paths.EXPERIENCE_IDENTIFICATION): op(
            "experience_identify",
            "Identify (or create) the user",
            "index.ts",
            {
                "201": {"description": "Register: the user was created"},
                **done,
                "409": logto_error("session.identity_conflict"),
                **unprocessable,
            },
            obj({"verificationId": STRING}),
        ),
        ("POST", paths.EXPERIENCE_PROFILE): op(
            "experience_profile",
            "Add to the profile",
            "profile-routes.ts",
            {**done, **unprocessable},
            {
                "oneOf": [
                    obj(
                        {
                            "type": {"type": "string", "enum": ["username"]},
                            "value": pattern(_guards.USERNAME_RE),
                        },
                        "type",
                        "value",
                    ),
                    obj(
                        {"type": {"type": "string", "enum": ["password"]}, "value": STRING},
                        "type",
                        "value",
                    ),
                    obj(
                        {
                            "type": {"type": "string", "enum": ["email", "phone", "social"]},
                            "verificationId": STRING,
                        },
                        "type",
                        "verificationId",
                    ),
                ]
            },
        ),
        ("PUT", paths.EXPERIENCE_PROFILE_PASSWORD): op(
            "experience_reset_password",
            "Set a new password (ForgotPassword)",
            "profile-routes.ts",
            {**done, **unprocessable},
            obj({"password": STRING}, "password"),
        ),
        ("POST", paths.EXPERIENCE_SUBMIT): op(
            "experience_submit",
            "Submit the interaction",
            "index.ts",
            {
                "200": json_answer("where the browser goes: /oidc/auth/<uid>", "RedirectTo"),
                "204": {"description": "ForgotPassword: the password is reset"},
                **unprocessable,
            },
        ),
        ("GET", paths.EXPERIENCE_INTERACTION): op(
            "experience_interaction",
            "The interaction's state",
            "index.ts",
            {"200": json_answer("the interaction, without secrets", "Interaction")},
        ),
    }


def _pages() -> dict[tuple[str, str], Operation]:
    def page(path: str, summary: str) -> tuple[tuple[str, str], Operation]:
        name = path.strip("/").replace("-", "_").replace("/", "_") or "root"
        return ("GET", path), {
            "tags": ["Sign-in UI"],
            "operationId": f"page_{name}",
            "summary": summary,
            "description": "A page of Logto's sign-in UI (``packages/experience/src/App.tsx``).",
            "parameters": [
                param("app_id", "query", "the application being signed in to"),
                interaction_cookie(),
            ],
            "responses": PAGE_ANSWERS,
        }

    code_page = {
        "tags": ["Sign-in UI"],
        "operationId": "page_verification_code",
        "summary": "Enter a verification code",
        "parameters": [
            param("flow", "path", "sign-in, register, forgot-password or continue", required=True),
            param("app_id", "query", "the application being signed in to"),
            interaction_cookie(),
        ],
        "responses": {**PAGE_ANSWERS, "404": html_answer("the error page: no such flow")},
    }
    static = {
        "tags": ["Sign-in UI"],
        "operationId": "page_static",
        "summary": "The pages' script and style sheet",
        "parameters": [param("name", "path", "a file name", required=True)],
        "responses": {
            "200": {
                "description": "the file",
                "content": {"text/javascript": {"schema": STRING}, "text/css": {"schema": STRING}},
            },
            "404": {"description": "no such file", "content": {"text/plain": {"schema": STRING}}},
        },
    }
    return {
        ("GET", paths.STATIC): static,
        **dict(
            [
                page(paths.SIGN_IN, "Sign in"),
                page(paths.SIGN_IN_PASSWORD, "Sign in with a password"),
                page(paths.REGISTER, "Create an account"),
                page(paths.REGISTER_PASSWORD, "A password for a new username"),
            ]
        ),
        ("GET", paths.VERIFICATION_CODE): code_page,
        **dict(
            [
                page(paths.FORGOT_PASSWORD, "Forgot password"),
                page(paths.RESET_PASSWORD, "Forgot password (alias)"),
                page(paths.FORGOT_PASSWORD_RESET, "Set a new password"),
                page(paths.CONTINUE_PASSWORD, "Add a password"),
                page(paths.CONTINUE_USERNAME, "Add a username"),
                page(paths.CONTINUE_EMAIL, "Add an email"),
                page(paths.CONTINUE_PHONE, "Add a phone number"),
                page(paths.CONTINUE_EMAIL_OR_PHONE, "Add an email or a phone number"),
            ]
        ),
        ("GET", paths.CONSENT): {
            "tags": ["Sign-in UI"],
            "operationId": "page_consent",
            "summary": "Consent (automatic for a first-party app)",
            "description": "Logto's ``koaAutoConsent`` (``packages/core/src/middleware/koa-auto-consent.ts``): "
            "grants a first-party app what it asked for and returns to ``/oidc/auth/<uid>``; a third-party "
            "app gets the consent page.",
            "parameters": [param("app_id", "query", "the application"), interaction_cookie()],
            "responses": {
                "200": html_answer("a third-party app: what it gets"),
                "302": redirect("consented: back to /oidc/auth/<uid>"),
                "400": logto_error("session.not_found: no interaction cookie, or no consent pending"),
            },
        },
        ("GET", paths.UNKNOWN_SESSION): {
            "tags": ["Sign-in UI"],
            "operationId": "page_unknown_session",
            "summary": "No interaction",
            "parameters": [param("app_id", "query", "the application being signed in to")],
            "responses": {"200": html_answer("the page: go back to the app")},
        },
    }


def operations() -> dict[tuple[str, str], Operation]:
    """Every operation of the sign-in experience by (method, path)."""
    sign_in_exp = {
        "tags": ["Sign-in UI"],
        "operationId": "sign_in_experience",
        "summary": "The sign-in experience",
        "description": "Logto's ``GET /api/.well-known/sign-in-exp`` (``packages/core/src/routes/well-known/``): "
        "Logto's ``fullSignInExperienceGuard``, filled from the tenant config.",
        "responses": {"200": json_answer("the configured experience", "SignInExperience")},
    }
    return {("GET", paths.SIGN_IN_EXP): sign_in_exp, **_experience(), **_pages()}

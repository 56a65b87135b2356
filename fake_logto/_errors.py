"""The two error types of the Logto surface, each rendered in one place.

- :class:`OAuthError` — OIDC endpoints: Logto's ``packages/core/src/middleware/koa-oidc-error-handler.ts``
  body, ``{"code", "message", "error_uri"?, "error", "error_description", "scope"?}`` (RFC 6749 §5.2 plus
  Logto's ``code``: ``oidc.<error>``, or ``session.not_found`` for a description naming a session not
  found; its English ``message`` from ``packages/phrases/src/locales/en/errors/oidc.ts``; ``error_uri`` for
  ``invalid_grant`` only); ``?parse_error=false`` gets node-oidc-provider's raw body. At the authorization
  endpoint, as node-oidc-provider's ``lib/shared/authorization_error_handler.js`` decides: as JSON (Logto's
  ``renderError`` in ``packages/core/src/oidc/init.ts``) while the client or redirect_uri is not known
  good, else sent back to the redirect_uri with ``state`` and ``iss`` (``send_back``, a :class:`SendBack`).
- :class:`LogtoError` — the Experience API and other ``/api`` routes: ``{"code", "message", "data"?}``
  (``packages/core/src/errors/RequestError``), default status 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import paths
from ._messages_experience import EXPERIENCE_MESSAGES
from ._mfa_phrases import MFA_MESSAGES
from ._response_modes import respond


@dataclass(frozen=True)
class SendBack:
    """The way back to the client for an authorization error: its verified redirect_uri, the request's
    ``state``, the response mode (``query``, ``fragment`` or ``form_post``: :mod:`._response_modes`), and
    the client and flow the debug log files the error under."""

    redirect_uri: str
    state: str | None
    client_id: str | None = None
    flow: str | None = None
    response_mode: str = "query"

    def error(self, error: str, description: str) -> OAuthError:
        return OAuthError(error, description, send_back=self)


# Logto's English phrases for `oidc.<error>` codes (packages/phrases/src/locales/en/errors/oidc.ts).
# Logto's handler translates with only `{code}` to interpolate, so i18next (skipOnVariables) leaves the
# `{{error_description}}` and `{{scope}}` placeholders in the text as they are.
OIDC_MESSAGES: dict[str, str] = {
    "oidc.aborted": "The end-user aborted interaction.",
    "oidc.invalid_scope": "Invalid scope: {{error_description}}.",
    "oidc.invalid_token": "Invalid token provided.",
    "oidc.invalid_client_metadata": "Invalid client metadata provided.",
    "oidc.insufficient_scope": "Token missing scope `{{scope}}`.",
    "oidc.invalid_request": "Request is invalid.",
    "oidc.invalid_grant": "Grant request is invalid.",
    "oidc.invalid_issuer": "Invalid issuer.",
    "oidc.invalid_redirect_uri": "`redirect_uri` did not match any of the client's registered `redirect_uris`.",
    "oidc.access_denied": "Access denied.",
    "oidc.invalid_target": "Invalid resource indicator.",
    "oidc.unsupported_grant_type": "Unsupported `grant_type` requested.",
    "oidc.unsupported_response_mode": "Unsupported `response_mode` requested.",
    "oidc.unsupported_response_type": "Unsupported `response_type` requested.",
    "oidc.server_error": "An unknown OIDC error occurred. Please try again later.",
    "session.not_found": "Session not found. Please go back and sign in again.",
}
# Supplementary error URIs (koa-oidc-error-handler.ts, `errorUris`).
ERROR_URIS: dict[str, str] = {"invalid_grant": "https://openid.sh/debug/invalid_grant"}


def oidc_code(error: str, description: str) -> str:
    """Logto's ``code`` for an OIDC error (koa-oidc-error-handler.ts ``isSessionNotFound``)."""
    if ("session" in description and "not found" in description) or (
        "authorization request has expired" in description
    ):
        return "session.not_found"
    return f"oidc.{error}"


class OAuthError(Exception):
    def __init__(
        self,
        error: str,
        description: str,
        status: int = 400,
        headers: dict[str, str] | None = None,
        *,
        send_back: SendBack | None = None,
        client_id: str | None = None,
        scope: str | None = None,
    ) -> None:
        super().__init__(f"{error}: {description}")
        self.error, self.description, self.status = error, description, status
        self.headers = headers or {}
        self.send_back = send_back
        self.client_id = client_id if send_back is None else send_back.client_id
        self.scope = scope  # node-oidc-provider's InvalidScope / InsufficientScope carry it into the body

    def raw_body(self) -> dict[str, str]:
        """node-oidc-provider's ``lib/helpers/err_out.js`` body (no ``error_description`` for an error
        that has none, e.g. ``request_uri_not_supported``)."""
        body = {"error": self.error, "error_description": self.description}
        if not self.description:
            del body["error_description"]
        if self.scope is not None:
            body["scope"] = self.scope
        return body

    def body(self) -> dict[str, str]:
        """Logto's body: its ``code``, ``message`` and ``error_uri`` first, then the raw body."""
        code = oidc_code(self.error, self.description)
        body = {"code": code, "message": OIDC_MESSAGES.get(code, f"An OIDC error occurred: {code}.")}
        if self.error in ERROR_URIS:
            body["error_uri"] = ERROR_URIS[self.error]
        return {**body, **self.raw_body()}


def with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parts.query + ("&" if parts.query else "") + urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def invalid_request(description: str) -> OAuthError:
    return OAuthError("invalid_request", description)


def invalid_client(description: str = "client authentication failed") -> OAuthError:
    return OAuthError("invalid_client", description, 401)


def invalid_grant(description: str = "grant request is invalid") -> OAuthError:
    return OAuthError("invalid_grant", description)


def invalid_token(description: str = "invalid token provided") -> OAuthError:
    return OAuthError("invalid_token", description, 401)


def www_authenticate(scheme: str, **fields: str | None) -> str:
    """A challenge as node-oidc-provider's ``lib/helpers/append_www_authenticate.js`` writes it."""
    quoted = (
        f'{key}="{value.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34))}"'
        for key, value in fields.items()
        if value is not None
    )
    return f"{scheme} {', '.join(quoted)}"


# Messages in Logto's English phrasing (packages/phrases/src/locales/en/errors/*.ts).
MESSAGES: dict[str, str] = {
    "guard.invalid_input": "The request {type} is invalid.",
    "session.interaction_not_found": (
        "Interaction session not found. Please go back and start the session again."
    ),
    "session.verification_session_not_found": (
        "The verification was not successful. Restart the verification flow and try again."
    ),
    "session.identifier_not_found": "User identifier not found. Please go back and sign in again.",
    "session.not_supported_for_forgot_password": "This operation is not supported for forgot password.",
    "session.invalid_credentials": "Incorrect account or password. Please check your input.",
    "session.verification_failed": (
        "The verification was not successful. Restart the verification flow and try again."
    ),
    "session.invalid_interaction_type": (
        "This operation is not supported for the current interaction. Please initiate a new session."
    ),
    "session.identity_conflict": (
        "Identity mismatch detected. Please initiate a new session to proceed with a different identity."
    ),
    "session.interaction_event_not_supported": "This interaction event is not supported.",
    # session.ts: the sentinel's lockout and the email blocklist (_sentinel.py, _email_blocklist.py)
    "session.verification_blocked_too_many_attempts": (
        "Too many attempts in a short time. Please try again {relativeTime}."
    ),
    "session.email_blocklist.invalid_email": "Invalid email address.",
    "session.email_blocklist.email_subaddressing_not_allowed": "Email subaddressing is not allowed.",
    "session.email_blocklist.email_not_allowed": (
        'The email address "{email}" is restricted. Please choose a different one.'
    ),
    "sign_in_experiences.invalid_custom_email_blocklist_format": (
        "Invalid custom email blocklist items: {items}. Each item must be a valid email address or email "
        "domain, e.g., foo@example.com or @example.com."
    ),
    "verification_code.code_mismatch": "Invalid verification code.",
    "verification_code.expired": "Verification code has expired. Please request a new verification code.",
    "verification_code.exceed_max_try": (
        "Verification code retries limitation exceeded. Please request a new verification code."
    ),
    "verification_code.not_found": "Verification code not found. Please send verification code first.",
    "verification_code.email_mismatch": "Email mismatch. Please request a new verification code.",
    "verification_code.phone_mismatch": "Phone mismatch. Please request a new verification code.",
    "request.invalid_input": "Input is invalid. {reason}",  # Logto's {{details}}
    "request.message_rate_limited": "Too many messages sent to this recipient. Please try again later.",
    "connector.not_found": "Cannot find any available connector for type: {type}.",
    "connector.general": "Error occurred in connector: {errorDescription}",
    "connector.template_not_found": "Unable to find correct template in connector config.",
    "connector.invalid_config": "The connector's config is invalid.",
    "connector.not_found_with_connector_id": "Can not find connector with given standard connector id.",
    "user.user_not_exist": "User with {identifier} does not exist.",
    "user.email_already_in_use": "This email is associated with an existing account.",
    "user.phone_already_in_use": "This phone number is associated with an existing account.",
    "user.username_exists_in_profile": "Username already exists in your profile.",
    "user.email_exists_in_profile": "Your profile has already associated with an email address.",
    "user.phone_exists_in_profile": "Your profile has already associated with a phone number.",
    "user.password_exists_in_profile": "Password already exists in your profile.",
    "user.username_already_in_use": "This username is already in use.",
    # user.ts: assertUsernameAllowed's violations (utils/user.ts)
    "user.username_required": "Username is a required identifier, you can not set it to null.",
    "user.username_starts_with_number": "Username cannot start with a number.",
    "user.username_invalid_charset_hard": "Username can only contain letters, numbers, and underscores.",
    "user.username_too_short": "Username is too short.",
    "user.username_too_long": "Username is too long.",
    "user.username_uppercase_not_allowed": "Username cannot contain uppercase letters.",
    "user.username_lowercase_not_allowed": "Username cannot contain lowercase letters.",
    "user.username_numbers_not_allowed": "Username cannot contain numbers.",
    "user.username_underscore_not_allowed": "Username cannot contain underscores.",
    "user.missing_profile": "You need to provide additional info before signing-in.",
    "user.sign_up_method_not_enabled": "This sign-up method is not enabled.",
    "user.sign_in_method_not_enabled": "This sign-in method is not enabled.",
    "user.password_required_in_profile": "You need to set a password before signing-in.",
    "user.new_password_required_in_profile": "You need to set a new password.",
    "user.same_password": "New password cannot be the same as your old password.",
    "user.suspended": "This account is suspended.",
    "password.rejected": "Password rejected. Please check if your password meets the requirements.",
    # raised without {name} (parseLegacyPassword): i18next (skipOnVariables) keeps the placeholder
    "password.unsupported_encryption_method": "The encryption method {{name}} is not supported.",
    "password.invalid_legacy_password_format": "Invalid legacy password format.",
    "password.unsupported_legacy_hash_algorithm": "Unsupported legacy hash algorithm: {algorithm}.",
    "entity.not_found": "The resource does not exist.",
    "auth.forbidden": "Forbidden. Please check your user roles and permissions.",
    "auth.authorization_header_missing": "Authorization header is missing.",
    "auth.authorization_token_type_not_supported": "Authorization type is not supported.",
    "auth.unauthorized": "Unauthorized. Please check credentials and its scope.",
    "auth.jwt_sub_missing": "Missing `sub` in JWT.",
    "entity.not_exists_with_id": "The {name} with ID `{id}` does not exist.",
    # packages/phrases/src/locales/en/errors/role.ts and user.ts
    "role.name_in_use": "This role name {name} is already in use",
    "role.scope_exists": "The scope id {scopeId} has already been added to this role",
    "role.management_api_scopes_not_assignable_to_user_role": (
        "Cannot assign Management API scopes to a user role."
    ),
    "user.invalid_role_type": "Invalid role type, can not assign machine-to-machine role to user.",
    "user.cannot_delete_self": "You cannot delete yourself.",
    "user.invalid_phone": "Invalid phone number.",
    "user.identity_not_exist": "The social account has not been registered yet.",
    "user.password_algorithm_required": "Password algorithm is required.",
    "user.password_and_digest": "You cannot set both plain text password and password digest.",
    # packages/phrases/src/locales/en/errors/entity.ts
    "entity.invalid_input": "Invalid input. Value list must not be empty.",
    "entity.db_constraint_violated": "Database constraint violated.",
    "entity.value_too_long": "The length of value is too long and exceeds the limit.",
    "entity.not_exists": "The {name} does not exist.",
    "entity.relation_foreign_key_not_found": (
        "Cannot find one or more foreign keys. Please check the input and ensure that all referenced "
        "entities exist."
    ),
    "entity.unique_integrity_violation": "The entity already exists. Please check the input and try again.",
    # packages/phrases/src/locales/en/errors/organization.ts
    "organization.require_membership": "The user must be a member of the organization to proceed.",
    "organization.role_names_not_found": (
        "Invalid role names detected: {names}. Please create these roles first before proceeding."
    ),
    # packages/phrases/src/locales/en/errors/sign-in-experiences.ts
    "sign_in_experiences.enabled_connector_not_found": "Enabled {type} connector not found.",
    "sign_in_experiences.passwordless_requires_verify": "Must enable verify for email/phone sign up identifier.",
    "sign_in_experiences.code_sign_in_must_be_enabled": (
        "Verification code sign in must be enabled when set a password is not required in sign up."
    ),
    "sign_in_experiences.at_least_one_authentication_factor": (
        "You have to select at least one authentication factor."
    ),
    "sign_in_experiences.duplicated_sign_up_identifiers": "Duplicate sign-up identifiers detected.",
    "sign_in_experiences.missing_sign_up_identifiers": "Primary sign-up identifier cannot be empty.",
    "sign_in_experiences.username_policy_case_conflicts_exist": (
        "Cannot switch to case-insensitive usernames while usernames that differ only by case exist. "
        "Resolve the conflicts and try again."
    ),
    "sign_in_experiences.forgot_password_method_requires_connector": (
        "Forgot password method requires a corresponding {method} connector to be configured."
    ),
    "guard.invalid_pagination": "The request pagination value is invalid.",
    # errors/request.ts, entity.ts, resource.ts, scope.ts, role.ts, application.ts (API resources,
    # applications, role members). i18next keeps a placeholder it has no value for (skipOnVariables).
    "resource.resource_identifier_in_use": "The API identifier {indicator} is already in use",
    "resource.cannot_delete_management_api": "Cannot delete Logto Management API.",
    "resource.cannot_modify_management_api": "Cannot modify Logto Management API.",
    "scope.name_exists": "The scope name {name} is already in use",
    "scope.name_with_space": "The name of the scope cannot contain any spaces.",
    "role.user_exists": "The user id {userId} is already been added to this role",
    "role.application_exists": "The application id {{applicationId}} is already been added to this role",
    "application.invalid_type": "Only machine to machine applications can have associated roles.",
    "application.invalid_role_type": "Can not assign user type role to machine to machine application.",
    "application.invalid_third_party_application_type": (
        "Only traditional web, single-page, and native applications can be marked as third-party apps."
    ),
    "application.protected_app_metadata_is_required": "Protected app metadata is required.",
    "application.protected_app_not_configured": (
        "Protected app provider is not configured. This feature is not available for open source version."
    ),
    "application.device_flow_native_only": "Device flow is only available for native applications.",
    "application.device_flow_not_changeable": "Device flow cannot be changed after application creation.",
    "application.secret_name_exists": "Secret name already exists.",
    "application.saml.use_saml_app_api": "Use `[METHOD] /saml-applications(/.*)?` API to operate SAML app.",
    "oidc.invalid_grant": "Grant request is invalid.",
    # packages/phrases/src/locales/en/errors/hook.ts, log.ts, entity.ts
    "hook.missing_events": "You need to provide at least one event.",
    "hook.send_test_payload_failed": "Failed to send test payload: {message}",
    "hook.endpoint_responded_with_error": "Endpoint responded with error.",
    "log.invalid_time_window": "`end_time` must be after `start_time`.",
    **EXPERIENCE_MESSAGES,
}
MESSAGES |= MFA_MESSAGES  # kept in a room of their own (this module is near its size cap)


class LogtoError(Exception):
    def __init__(
        self, code: str, status: int = 400, data: Any = None, *, details: str | None = None, **params: str
    ) -> None:
        template = MESSAGES.get(code, code)
        message = (
            template.format(**params)
            if params
            else template.replace("{type}", "").replace("{identifier}", "identifier")
        )
        super().__init__(message)
        self.code, self.status, self.message, self.data = code, status, message, data
        self.details = details  # Logto's readable guard failure: 'Error in key path "identifier.value": …'

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.data is not None:
            body["data"] = self.data
        if self.details is not None:
            body["details"] = self.details
        return body


def _record(request: Request, error: str, description: str, status: int) -> None:
    tenant = request.app.state.tenant
    flow = (
        request.cookies.get(paths.INTERACTION_COOKIE)
        if request.url.path.startswith(paths.API + "/")
        else None
    )
    client_id = request.query_params.get("client_id")
    tenant.events.record(
        "error",
        flow=flow,
        client_id=client_id,
        method=request.method,
        endpoint=request.url.path,
        error=error,
        description=description,
        status=status,
    )


async def handle_oauth(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OAuthError)
    if exc.send_back is not None:
        return _send_back(request, exc, exc.send_back)
    _record(request, exc.error, exc.description, exc.status)
    raw = request.query_params.get("parse_error") == "false"  # Logto's opt-out for its extra keys
    return JSONResponse(
        exc.raw_body() if raw else exc.body(),
        status_code=exc.status,
        headers={"Cache-Control": "no-store", **exc.headers},
    )


def _send_back(request: Request, exc: OAuthError, back: SendBack) -> Response:
    """The error on the redirect_uri by the request's response mode, with ``state`` and ``iss`` (RFC 9207)."""
    _record_authorization(request, exc, back.flow, "sent back to the redirect_uri")
    params = {"error": exc.error, "error_description": exc.description}
    if not exc.description:
        del params["error_description"]
    if back.state is not None:
        params["state"] = back.state
    params["iss"] = request.app.state.tenant.issuer
    return respond(back.response_mode, back.redirect_uri, params)


def _record_authorization(request: Request, exc: OAuthError, flow: str | None, answered: str) -> None:
    request.app.state.tenant.events.record(
        "error",
        flow=flow,
        client_id=exc.client_id,
        method=request.method,
        endpoint=request.url.path,
        error=exc.error,
        description=exc.description,
        answered=answered,
    )


async def handle_logto(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LogtoError)
    _record(request, exc.code, exc.message, exc.status)
    return JSONResponse(exc.body(), status_code=exc.status)

"""Logto's English phrases of the enterprise SSO error codes (``packages/phrases/src/locales/en/errors/
single-sign-on.ts``, ``session.ts``, ``user.ts``, ``connector.ts``, ``request.ts``), merged into the one
table :class:`._errors.LogtoError` reads."""

from __future__ import annotations

from ._errors import MESSAGES

SSO_MESSAGES: dict[str, str] = {
    "single_sign_on.forbidden_domains": "Public email domains are not allowed.",
    "single_sign_on.duplicated_domains": "There are duplicate domains.",
    "single_sign_on.duplicate_connector_name": (
        "Connector name already exists. Please choose a different name."
    ),
    "session.sso_enabled": "Single sign on is enabled for this given email. Please sign in with SSO.",
    "user.sso_identity_not_exist": "The enterprise SSO account has not been registered yet.",
    "connector.not_found": "Cannot find any available connector for type: {type}.",
    "connector.invalid_request_parameters": "The request is with wrong input parameter(s).",
    "connector.authorization_failed": "The user's authorization process is unsuccessful.",
    "connector.token_storage_not_supported": "This connector does not support token storage. ",
    "connector.should_specify_target": "You should specify 'target'.",
    "connector.social_invalid_id_token": "The connector's id token is invalid.",
    "request.feature_not_supported": "This feature is not supported in the current environment.",
}
MESSAGES.update(SSO_MESSAGES)

"""The tenant's social connectors: Logto's ``mock-social-connector`` and the Google and GitHub connectors,
pointed at the local provider stand-in (:mod:`._social_provider`) instead of Google's and GitHub's hosts.

Each factory answers as its Logto package does:

- ``mock-social-connector`` (``packages/connectors/connector-mock-social/src/index.ts``): the authorization
  URI ``http://mock-social/?state&redirect_uri&scope`` (default scope ``email profile``) and a connector
  session ``{state, redirectUri, connectorId}``; the user info is the connector data itself (``code`` a
  string, ``userId``, ``email``, ``phone``, ``name``, ``avatar`` optional strings; else
  ``invalid_response`` with the data as JSON), the id ``userId`` or ``mock-social-sub-<uuid>``, ``rawData``
  the data; it needs the connector session unless the caller has none (the Management API).
- ``google-universal`` (``connector-google``): ``client_id, redirect_uri, response_type=code, state, scope``
  (``openid profile email``) + ``prompt``/``access_type``; the callback data must be ``{code,
  redirectUri}`` (else ``general`` with the data as JSON, e.g. the provider's ``access_denied``); a
  refused token or userinfo request is ``social_access_token_invalid`` (401) or ``general``; the email only
  when ``email_verified``.
- ``github-universal`` (``connector-github``): ``client_id, redirect_uri, state, scope`` (``read:user
  user:email``); ``{code}``, else GitHub's ``{error, error_description, error_uri}`` (``access_denied`` →
  ``authorization_failed``, 401); the id a number made a string; the email the public one, else the primary
  verified one of ``/user/emails``; ``rawData`` ``{userInfo, userEmails}``.

A failure is a :class:`SocialError` (connector-kit's ``ConnectorError``), answered as Logto's
``koa-connector-error-handler.ts`` answers it (:func:`as_logto`).
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ._errors import MESSAGES, LogtoError
from ._guards import received
from ._social_identity import Identity
from ._social_provider import ProviderError, StandIn, emails, profile

if TYPE_CHECKING:
    import httpx

MOCK_SOCIAL_ID = "mock-social-connector"
# Logto's English phrases of the social codes (packages/phrases/src/locales/en/errors/connector.ts,
# session.ts, user.ts), added to the one table :class:`LogtoError` reads.
MESSAGES.update(
    {
        "connector.unexpected_type": "The connector's type is unexpected.",
        "connector.invalid_response": "The connector's response is invalid.",
        "connector.authorization_failed": "The user's authorization process is unsuccessful.",
        "connector.social_invalid_access_token": "The connector's access token is invalid.",
        "connector.social_auth_code_invalid": "Unable to get access token, please check authorization code.",
        "connector.multiple_instances_not_supported": (
            "Can not create multiple instance with picked standard connector."
        ),
        "connector.multiple_target_with_same_platform": (
            "You can not have multiple social connectors that have same target and platform."
        ),
        "connector.cannot_overwrite_metadata_for_non_standard_connector": (
            "This connector's 'metadata' cannot be overwritten."
        ),
        "session.invalid_connector_id": "Unable to find available connector with id {connectorId}.",
        "session.insufficient_info": "Insufficient sign-in info.",
        "session.connector_validation_session_not_found": (
            "The connector session for token validation is not found."
        ),
        "user.identity_already_in_use": "The social account has been associated with an existing account.",
    }
)
GetSession = Callable[[], dict[str, Any] | None]  # None: the caller has no session (notImplemented)

# koa-connector-error-handler.ts: ConnectorErrorCodes -> status (general and the rest: 400).
_STATUSES = {
    "social_auth_code_invalid": 401,
    "social_invalid_access_token": 401,
    "social_invalid_id_token": 401,
    "authorization_failed": 401,
    "not_implemented": 501,
}


class SocialError(Exception):
    """connector-kit's ``ConnectorError(code, data)``; ``code`` is the ``ConnectorErrorCodes`` value."""

    def __init__(self, code: str, data: Any = None) -> None:
        super().__init__(code)
        self.code, self.data = code, data


def stringify(value: Any) -> str:
    """``JSON.stringify``: no spaces, non-ASCII kept."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def as_logto(error: SocialError) -> LogtoError:
    """koa-connector-error-handler.ts: ``connector.<code>`` with the data; ``general`` interpolates the
    data's ``errorDescription`` or the data as JSON."""
    if error.code == "general":
        data = error.data
        description = (
            data["errorDescription"]
            if isinstance(data, dict) and isinstance(data.get("errorDescription"), str)
            else stringify(data)
        )
        return LogtoError("connector.general", 400, data, errorDescription=description)
    return LogtoError(f"connector.{error.code}", _STATUSES.get(error.code, 400), error.data)


def logo(letter: str, color: str) -> str:
    """A logo as Logto's connector loader serves one (``readUrl`` in packages/cli/src/connector/utils.ts: the
    package's SVG as a ``data:image/svg+xml;base64`` URL); here a plain letter badge, not the brand's."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="12" '
        f'fill="{color}"/><text x="12" y="17" font-size="14" text-anchor="middle" fill="#fff" '
        f'font-family="sans-serif">{letter}</text></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


@dataclass(frozen=True)
class SocialFactory:
    """A social connector factory's ``ConnectorMetadata`` (its ``constant.ts``) and config guard."""

    id: str
    target: str
    name: str
    description: str
    color: str
    dark: bool = False  # the factory has a logoDark

    def metadata(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "target": self.target,
            "platform": "Universal",
            "name": {"en": self.name},
            "logo": logo(self.name[0], self.color),
            "logoDark": logo(self.name[0], "#57606a") if self.dark else None,
            "description": {"en": self.description},
            "readme": "./README.md",
            "isTokenStorageSupported": True,
            "configTemplate": "./docs/config-template.json",
        }


FACTORIES = {
    MOCK_SOCIAL_ID: SocialFactory(
        MOCK_SOCIAL_ID, "mock-social", "Mock Social", "Social mock connector description", "#6139f6"
    ),
    "google-universal": SocialFactory(
        "google-universal",
        "google",
        "Google",
        "Google is a principal search engine technology and email service provider.",
        "#4285f4",
    ),
    "github-universal": SocialFactory(
        "github-universal",
        "github",
        "GitHub",
        "GitHub is an online community for software development and version control.",
        "#24292f",
        dark=True,
    ),
}
GENERIC = ("oidc", "oauth2")  # Logto's standard connector-oidc / connector-oauth2 (_social_generic.py)
DEFAULT_SCOPES = {MOCK_SOCIAL_ID: "email profile", "google-universal": "openid profile email"}
DEFAULT_SCOPES["github-universal"] = "read:user user:email"


def config_issue(factory_id: str, config: dict[str, Any]) -> dict[str, Any] | None:
    """The first zod issue of ``config``: ``clientId`` and ``clientSecret`` strings, ``scope`` optional."""
    for key, optional in (("clientId", False), ("clientSecret", False), ("scope", True)):
        value = config.get(key)
        if (
            isinstance(value, str)
            or (optional and value is None)
            or (key == "scope" and factory_id == MOCK_SOCIAL_ID)
        ):
            continue
        got = "undefined" if value is None else received(value)
        message = "Required" if value is None else f"Expected string, received {got}"
        return {
            "code": "invalid_type",
            "expected": "string",
            "received": got,
            "path": [key],
            "message": message,
        }
    return None


def authorization_uri(
    factory_id: str, config: dict[str, Any], stand_in_url: str, payload: dict[str, Any]
) -> tuple[str, dict[str, Any] | None]:
    """``getAuthorizationUri``: the URI and the connector session it sets (the mock and the generic ones)."""
    if factory_id in GENERIC:
        from . import _social_generic  # built on this module's types

        return _social_generic.authorization_uri(factory_id, config, payload)
    state, redirect_uri, scope = payload["state"], payload["redirectUri"], payload.get("scope")
    if factory_id == MOCK_SOCIAL_ID:
        query = {"state": state, "redirect_uri": redirect_uri, "scope": scope or DEFAULT_SCOPES[factory_id]}
        session = {"state": state, "redirectUri": redirect_uri, "connectorId": payload["connectorId"]}
        return f"http://mock-social/?{urlencode(query)}", session
    if config_issue(factory_id, config) is not None:
        raise SocialError("invalid_config")
    chosen = scope or config.get("scope") or DEFAULT_SCOPES[factory_id]
    if factory_id == "google-universal":
        query = {"client_id": config["clientId"], "redirect_uri": redirect_uri, "response_type": "code"}
        query |= {"state": state, "scope": chosen}
        prompts = config.get("prompts")
        if isinstance(prompts, list) and prompts:
            query["prompt"] = " ".join(str(p) for p in prompts)
        if config.get("offlineAccess") is True:
            query["access_type"] = "offline"
    else:
        query = {
            "client_id": config["clientId"],
            "redirect_uri": redirect_uri,
            "state": state,
            "scope": chosen,
        }
    return f"{stand_in_url}?{urlencode(query)}", None


_MOCK_FIELDS = ("userId", "email", "phone", "name", "avatar")


def _mock_user_info(data: dict[str, Any], get_session: GetSession) -> dict[str, Any]:
    if not isinstance(data.get("code"), str) or any(
        data.get(k) is not None and not isinstance(data.get(k), str) for k in _MOCK_FIELDS
    ):
        raise SocialError("invalid_response", stringify(data))
    get_session()  # validateConnectorSession: raises when the interaction has none
    rest = {k: data[k] for k in _MOCK_FIELDS[1:] if data.get(k) is not None}
    return {"id": data.get("userId") or f"mock-social-sub-{uuid.uuid4()}", **rest, "rawData": data}


def _exchange(
    stand_in: StandIn, target: str, config: dict[str, Any], code: str, redirect_uri: str | None
) -> dict[str, Any]:
    try:
        return stand_in.exchange(target, code, str(config.get("clientId")), redirect_uri)
    except ProviderError as exc:
        if exc.status == 200:  # GitHub's error answer
            return exc.body
        if exc.status == 401:
            raise SocialError("social_invalid_access_token") from None
        raise SocialError("general", stringify(stringify(exc.body))) from None


def _identity(stand_in: StandIn, target: str, token: str) -> Identity:
    try:
        return stand_in.identity_of(target, token)
    except ProviderError:
        raise SocialError("social_invalid_access_token") from None


def _google_user_info(data: dict[str, Any], config: dict[str, Any], stand_in: StandIn) -> dict[str, Any]:
    if not isinstance(data.get("code"), str) or not isinstance(data.get("redirectUri"), str):
        raise SocialError("general", stringify(data))
    tokens = _exchange(stand_in, "google", config, data["code"], data["redirectUri"])
    raw = profile("google", _identity(stand_in, "google", tokens["access_token"]))
    email = raw.get("email") if raw.get("email_verified") else None
    info: dict[str, Any] = {"id": raw["sub"]}
    for key, value in (("avatar", raw.get("picture")), ("email", email), ("name", raw.get("name"))):
        if value is not None:
            info[key] = value
    return {**info, "rawData": raw}


def _zod_missing(keys: tuple[str, ...], body: dict[str, Any]) -> dict[str, Any]:
    issues = [
        {
            "code": "invalid_type",
            "expected": "string",
            "received": "undefined",
            "path": [k],
            "message": "Required",
        }
        for k in keys
        if not isinstance(body.get(k), str)
    ]
    return {"issues": issues, "name": "ZodError"}


def _github_user_info(data: dict[str, Any], config: dict[str, Any], stand_in: StandIn) -> dict[str, Any]:
    if not isinstance(data.get("code"), str):
        if not all(isinstance(data.get(k), str) for k in ("error", "error_description", "error_uri")):
            raise SocialError("general", stringify(data))
        if data["error"] == "access_denied":
            raise SocialError("authorization_failed", data["error_description"])
        error = {
            "error": data["error"],
            "errorDescription": data["error_description"],
            "error_uri": data["error_uri"],
        }
        raise SocialError("general", error)
    tokens = _exchange(stand_in, "github", config, data["code"], None)
    required = ("access_token", "scope", "token_type")
    if not all(isinstance(tokens.get(k), str) for k in required):
        raise SocialError("invalid_response", _zod_missing(required, tokens))
    identity = _identity(stand_in, "github", tokens["access_token"])
    user, user_emails = profile("github", identity), emails(identity)
    email = user.get("email") or next(
        (e["email"] for e in user_emails if e["verified"] and e["primary"]), None
    )
    info: dict[str, Any] = {"id": str(user["id"])}
    for key, value in (("avatar", user.get("avatar_url")), ("email", email), ("name", user.get("name"))):
        if value:
            info[key] = value
    return {**info, "rawData": {"userInfo": user, "userEmails": user_emails}}


async def user_info(
    factory_id: str,
    config: dict[str, Any],
    data: dict[str, Any],
    get_session: GetSession,
    stand_in: StandIn,
    http: httpx.AsyncClient | None = None,
) -> dict[str, Any]:
    """``getUserInfo``: the ``SocialUserInfo`` of the callback ``data`` (the generic connectors, over
    ``http``: :mod:`._social_generic`)."""
    if factory_id in GENERIC and http is not None:
        from . import _social_generic

        return await _social_generic.user_info(factory_id, config, data, get_session(), http)
    if factory_id == MOCK_SOCIAL_ID:
        return _mock_user_info(data, get_session)
    if config_issue(factory_id, config) is not None:
        raise SocialError("invalid_config")
    if factory_id == "google-universal":
        return _google_user_info(data, config, stand_in)
    return _github_user_info(data, config, stand_in)

"""Who signs in at a provider stand-in (social or SSO): one light dataclass, so that reading a config that
presets an identity (``[[social_connectors]]``, ``[[sso_connectors]]``) loads no web stack."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Identity:
    """Who signs in at the provider."""

    id: str
    email: str | None = None
    email_verified: bool = True
    name: str | None = None
    avatar: str | None = None
    phone: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, hash=False)  # more profile fields, as sent


def read_identity(target: str, body: Any) -> Identity | None:
    """A preset (control API, config) or a picked (page) identity of a social (``target``) or SSO (``"sso"``)
    stand-in; ``None`` means Deny."""
    from fakekit import ControlError  # its module loads the web stack: not when a config is read

    if not isinstance(body, dict):
        raise ControlError(400, "invalid_request", "the body must be a JSON object")
    if body.get("deny") is True:
        return None
    ident = body.get("id")
    if not isinstance(ident, str) or not ident:
        raise ControlError(400, "invalid_request", "id: a non-empty string is required")
    if target == "github" and not ident.isdigit():
        raise ControlError(400, "invalid_request", "id: GitHub user ids are numbers")
    strings = {}
    for key in ("email", "name", "avatar", "phone"):
        value = body.get(key)
        if value is not None and not isinstance(value, str):
            raise ControlError(400, "invalid_request", f"{key}: must be a string")
        strings[key] = value or None
    verified, raw = body.get("email_verified", True), body.get("raw", {})
    if not isinstance(verified, bool) or not isinstance(raw, dict):
        raise ControlError(400, "invalid_request", "email_verified: a boolean; raw: an object")
    return Identity(ident, email_verified=verified, raw=raw, **strings)

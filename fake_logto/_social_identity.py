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

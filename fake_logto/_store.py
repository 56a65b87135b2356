"""Tenant state: users, interactions, sessions, grants, codes and tokens — the only place they live.

Thread-safe through one re-entrant lock (``store.lock``); records are plain dataclasses the rooms mutate
under it. Every expiry is a time on the tenant :class:`Clock` (``clock.now()``), so advancing the clock
expires codes, interactions, sessions, grants and tokens without sleeping.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ._clock import Clock
from ._config import SeedUser, TenantConfig
from ._ids import new_id as new_id  # re-exported: every room makes ids
from ._mfa_records import PendingMfa, UserMfaVerification, seeded_factors
from ._one_time_tokens import OneTimeTokens
from ._organization_registry import OrganizationRegistry
from ._passwords import ARGON2I
from ._passwords import check_password as check_password  # re-exported: the rooms that check passwords
from ._passwords import hash_password as hash_password  # ... and set them
from ._phone_numbers import find_by_phone
from ._role_registry import RoleRegistry
from ._verification_records import VerificationRecord

InteractionEvent = Literal["SignIn", "Register", "ForgotPassword"]

# TTLs in seconds (reference/logto.md, "TTLs").
AUTHORIZATION_CODE_TTL = 60
ID_TOKEN_TTL = 3600
OPAQUE_ACCESS_TOKEN_TTL = 3600
REFRESH_TOKEN_TTL = 14 * 24 * 3600
# Logto's `refreshTokenReuseInterval` (packages/core/src/queries/oidc-model-instance.ts): a rotated
# refresh token still counts as unconsumed for 3 s after each use.
REFRESH_GRACE = 3
INTERACTION_TTL = 3600
SESSION_TTL = 14 * 24 * 3600
GRANT_TTL = 180 * 24 * 3600
PUSHED_REQUEST_TTL = 60  # node-oidc-provider's pushed_authorization_request_response.js (MAX_TTL)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


@dataclass
class User:
    id: str
    created_at: int  # epoch ms
    updated_at: int
    username: str | None = None
    primary_email: str | None = None
    primary_phone: str | None = None
    name: str | None = None
    avatar: str | None = None
    password_encrypted: str | None = None  # Logto's ``password_encrypted`` (:mod:`._passwords`)
    password_encryption_method: str | None = None  # ``UsersPasswordEncryptionMethod``
    custom_data: dict[str, Any] = field(default_factory=dict)
    identities: dict[str, Any] = field(default_factory=dict)
    roles: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    organization_roles: list[str] = field(default_factory=list)  # "<orgId>:<role>"
    organization_names: dict[str, str] = field(default_factory=dict)
    last_sign_in_at: int | None = None
    is_suspended: bool = False  # the Management API's PATCH /api/users/:userId/is-suspended
    profile: dict[str, Any] = field(default_factory=dict)  # Logto's standard-claims ``profile``
    mfa_verifications: list[UserMfaVerification] = field(default_factory=list)  # :mod:`._mfa`
    logto_config: dict[str, Any] = field(default_factory=dict)  # ``{mfa: {enabled?, skipped?}}``
    password_updated_at: int | None = None  # epoch ms; with the flag below: :mod:`._password_expiration`
    is_password_expired: bool = False

    @property
    def password_hash(self) -> str | None:
        """The stored password; setting it stores a password the fake encrypted itself (Argon2i)."""
        return self.password_encrypted

    @password_hash.setter
    def password_hash(self, encrypted: str | None) -> None:
        self.password_encrypted = encrypted
        self.password_encryption_method = ARGON2I if encrypted else None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "username": self.username,
            "primaryEmail": self.primary_email,
            "primaryPhone": self.primary_phone,
            "name": self.name,
            "avatar": self.avatar,
            "customData": self.custom_data,
            "identities": self.identities,
            "hasPassword": self.password_hash is not None,
            "roles": self.roles,
            "organizations": self.organizations,
            "createdAt": self.created_at,
            "updatedAt": self.updated_at,
            "lastSignInAt": self.last_sign_in_at,
        }


@dataclass
class Interaction:
    """A sign-in/registration in progress, bound to the ``_interaction`` cookie."""

    uid: str
    client_id: str
    params: dict[str, Any]  # the validated authorization request
    created_at: float
    expires_at: float
    event: InteractionEvent | None = None
    verifications: dict[str, VerificationRecord] = field(default_factory=dict)
    user_id: str | None = None  # identified (SignIn, ForgotPassword) or created (Register)
    profile: dict[str, Any] = field(default_factory=dict)  # email, username, password_hash to be set
    mfa: PendingMfa = field(default_factory=PendingMfa)  # factors bound, not yet saved (:mod:`._mfa`)
    submitted: bool = False  # the Experience API's submit ran: /oidc/auth/<uid> may finish it
    login_at: float | None = None


@dataclass
class Session:
    """The SSO session (``_session`` cookie): who is signed in to this browser, and since when."""

    id: str
    user_id: str
    login_at: float  # auth_time, on the tenant clock
    expires_at: float
    grants: dict[str, str] = field(default_factory=dict)  # client_id -> grant id


@dataclass
class Grant:
    id: str
    user_id: str
    client_id: str
    scopes: list[str]
    resources: dict[str, list[str]]  # indicator -> scopes granted for it
    session_id: str | None
    created_at: float
    expires_at: float
    revoked: bool = False
    flow_id: str | None = None  # the debug view's flow (the interaction uid that started it)


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    user_id: str
    grant_id: str
    session_id: str
    scopes: list[str]
    resource: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None
    auth_time: float
    expires_at: float
    consumed: bool = False
    issued: list[str] = field(default_factory=list)  # tokens issued from it (revoked on reuse)


@dataclass
class RefreshToken:
    token: str
    grant_id: str
    client_id: str
    user_id: str
    scopes: list[str]
    auth_time: float
    created_at: float
    expires_at: float
    nonce: str | None = None  # the authorization request's, kept through rotation for refreshed ID tokens
    consumed_at: float | None = None  # rotated; Logto still accepts it for REFRESH_GRACE seconds
    successor: str | None = None  # the refresh token that replaced it last (the debug view's trail)
    revoked: bool = False


@dataclass
class AccessToken:
    """An issued access token: opaque (userinfo only) or a resource JWT (tracked by ``jti``)."""

    id: str  # the opaque token itself, or the JWT's jti
    kind: Literal["opaque", "jwt"]
    client_id: str
    user_id: str | None  # None for client_credentials
    scopes: list[str]
    audience: str | None
    grant_id: str | None
    issued_at: float
    expires_at: float
    revoked: bool = False


@dataclass
class PushedRequest:
    """A pushed authorization request (RFC 9126; ``lib/models/pushed_authorization_request.js``): the
    parameters ``urn:ietf:params:oauth:request_uri:<id>`` names, consumed when the code is issued."""

    id: str
    client_id: str
    items: list[tuple[str, str]]
    expires_at: float
    consumed: bool = False


@dataclass
class SentCode:
    """A code handed to the connector (for debugging; tests read codes from the mailbox)."""

    to: str
    usage_type: str
    code: str | None
    verification_id: str
    sent_at: float
    delivered: bool
    error: str | None = None


class TenantStore:
    def __init__(self, config_of: Callable[[], TenantConfig], clock: Clock) -> None:
        self.config_of = config_of  # the tenant's live config (the Management API replaces it)
        self.clock = clock
        self.lock = threading.RLock()
        self.users: dict[str, User] = {}
        self.interactions: dict[str, Interaction] = {}
        self.sessions: dict[str, Session] = {}
        self.grants: dict[str, Grant] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}
        self.access_tokens: dict[str, AccessToken] = {}
        self.sent: list[SentCode] = []  # newest last; appended through add_sent only
        self._sent_to: dict[str, list[SentCode]] = {}  # the same, by recipient key (add_sent's)
        self.pending_logouts: dict[str, dict[str, Any]] = {}  # xsrf token -> end-session request
        self.pushed_requests: dict[str, PushedRequest] = {}
        self.roles = RoleRegistry(config_of, self.now_ms)  # mutable by /api/roles
        self.organizations = OrganizationRegistry(config_of, self.roles)  # mutable by /api/organizations
        self.organizations.seed(self.now_ms())
        self.one_time_tokens = OneTimeTokens(self.now_ms)  # mutable by /api/one-time-tokens
        self.seed()

    # --- users --------------------------------------------------------------------------------------
    def seed(self) -> None:
        for seed in self.config_of().users:
            self.create_user(seed)

    def now_ms(self) -> int:
        return int(self.clock.now() * 1000)

    def create_user(self, seed: SeedUser) -> User:
        with self.lock:
            for existing in self.users.values():
                if (
                    seed.email
                    and existing.primary_email
                    and existing.primary_email.lower() == seed.email.lower()
                ):
                    raise ValueError(f"a user with email {seed.email} exists")
                if seed.username and self.same_username(existing.username, seed.username):
                    raise ValueError(f"a user with username {seed.username} exists")
            now = self.now_ms()
            user = User(
                id=seed.id or new_id(),
                created_at=now,
                updated_at=now,
                username=seed.username,
                primary_email=seed.email,
                primary_phone=seed.phone,
                name=seed.name,
                avatar=seed.picture,
                custom_data=dict(seed.custom_data),
                roles=list(seed.roles),
                mfa_verifications=seeded_factors(seed.mfa, now),
            )
            user.password_hash = hash_password(seed.password) if seed.password else None
            # Logto's insertUser (libraries/user.ts): every new user gets the default user roles too.
            defaults = [r.name for r in self.roles.roles.values() if r.is_default and r.type == "User"]
            user.roles += [name for name in defaults if name not in user.roles]
            self.organizations.join(user.id, (seed.email, seed.username))
            self.organizations.sync(user)
            self.users[user.id] = user
            return user

    def same_username(self, stored: str | None, given: str) -> bool:
        """Logto's ``findUserByUsername``/``hasUser`` (queries/user.ts): ``=`` while the username policy
        is case-sensitive (the default), ``lower() = lower()`` otherwise."""
        if stored is None:
            return False
        if self.config_of().sign_in_experience.username_policy.get("caseSensitive", True):
            return stored == given
        return stored.lower() == given.lower()

    def user_by(self, identifier_type: str, value: str) -> User | None:
        value_cmp = value.strip().lower()
        with self.lock:
            if identifier_type == "phone":  # findUserByNormalizedPhone
                return find_by_phone(list(self.users.values()), value.strip())
            for user in self.users.values():
                if identifier_type == "email" and (user.primary_email or "").lower() == value_cmp:
                    return user
                if identifier_type == "username" and self.same_username(user.username, value):
                    return user
        return None

    def delete_user(self, user_id: str) -> User | None:
        with self.lock:
            user = self.users.pop(user_id, None)
            if user is None:
                return None
            self.organizations.forget_user(user_id)
            for session_id in [s.id for s in self.sessions.values() if s.user_id == user_id]:
                del self.sessions[session_id]
            for grant_id in [g.id for g in self.grants.values() if g.user_id == user_id]:
                self.revoke_grant(grant_id)  # its tokens too: introspection must not call them active
            return user

    def add_sent(self, sent: SentCode, recipient_key: str) -> None:
        """Log a code sent (or refused), filed under its rate-limit bucket (``_codes.normalize_recipient``)."""
        with self.lock:
            self.sent.append(sent)
            self._sent_to.setdefault(recipient_key, []).append(sent)

    def sent_to(self, recipient_key: str) -> list[SentCode]:
        with self.lock:
            return list(self._sent_to.get(recipient_key, ()))

    # --- lookups that honour expiry -----------------------------------------------------------------
    def live_session(self, session_id: str | None) -> Session | None:
        if not session_id:
            return None
        with self.lock:
            session = self.sessions.get(session_id)
            if session is None or session.expires_at <= self.clock.now() or session.user_id not in self.users:
                return None
            return session

    def live_interaction(self, uid: str | None) -> Interaction | None:
        if not uid:
            return None
        with self.lock:
            interaction = self.interactions.get(uid)
            if interaction is None or interaction.expires_at <= self.clock.now():
                return None
            return interaction

    def live_grant(self, grant_id: str) -> Grant | None:
        with self.lock:
            grant = self.grants.get(grant_id)
            if grant is None or grant.revoked or grant.expires_at <= self.clock.now():
                return None
            return grant

    def live_pushed_request(self, request_id: str) -> PushedRequest | None:
        """``isValid`` (``lib/models/mixins/consumable.js``): neither consumed nor expired."""
        with self.lock:
            pushed = self.pushed_requests.get(request_id)
            if pushed is None or pushed.consumed or pushed.expires_at <= self.clock.now():
                return None
            return pushed

    def consume_pushed_request(self, request_id: str) -> bool:
        """``respond.js``: consumed with the code (expired or not); False if it was already."""
        with self.lock:
            pushed = self.pushed_requests.get(request_id)
            if pushed is None or pushed.consumed:
                return False
            pushed.consumed = True
            return True

    def revoke_grant(self, grant_id: str) -> None:
        """Revoke a grant and everything issued under it (refresh and access tokens)."""
        with self.lock:
            grant = self.grants.get(grant_id)
            if grant is not None:
                grant.revoked = True
            for token in self.refresh_tokens.values():
                if token.grant_id == grant_id:
                    token.revoked = True
            for access in self.access_tokens.values():
                if access.grant_id == grant_id:
                    access.revoked = True

    def reset(self) -> None:
        with self.lock:
            for table in (self.users, self.interactions, self.sessions, self.grants, self.codes):
                table.clear()
            for other in (self.refresh_tokens, self.access_tokens, self.pushed_requests):
                other.clear()
            self.sent.clear()
            self._sent_to.clear()
            self.pending_logouts.clear()
            self.one_time_tokens.clear()
            self.clock.reset()
            self.roles.seed()
            self.organizations.seed(self.now_ms())
            self.seed()

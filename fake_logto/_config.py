"""The tenant, described as the Logto Console describes it: applications, API resources, roles,
the organization template, organizations, seeded users, the sign-in experience, the email connector and
the code policy.

Plain frozen data; :mod:`._config_file` reads it from one TOML file (every table optional, the defaults
reproduce the seed tutorial's tenant: a traditional web app "Bookstore" on endpoint
``http://localhost:3001``, email sign-up and sign-in by verification code), and :mod:`._connector_config`
holds the connector's config in Logto's own shape.
"""

from __future__ import annotations

import time
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal

from ._mfa_records import MfaSettings, SeedMfa

if TYPE_CHECKING:
    from ._config_sso import SsoConnectorSeed

AppType = Literal["traditional", "spa", "native", "m2m"]
APP_TYPES: tuple[str, ...] = ("traditional", "spa", "native", "m2m")
RoleType = Literal["user", "m2m"]
ROLE_TYPES: tuple[str, ...] = ("user", "m2m")
IDENTIFIERS = ("email", "username", "phone")
# Logto's reserved resource (``ReservedResource.Organization`` in @logto/core-kit): the SDKs add it to the
# authorization request when an app asks for ``urn:logto:scope:organizations``; its scopes are every
# organization scope of the tenant and its tokens live 3600 s (packages/core/src/oidc/resource.ts).
ORGANIZATIONS_RESOURCE = "urn:logto:resource:organizations"
RESERVED_RESOURCE_TTL = 3600
# Logto OSS's Management API resource (``defaultManagementApi`` in packages/schemas/src/seeds/
# management-api.ts): every tenant has it, with the one scope ``all`` (``PredefinedScope.All``); a config role
# may grant it to a machine-to-machine app without declaring the resource.
MANAGEMENT_API_RESOURCE = "https://default.logto.app/api"
MANAGEMENT_API_SCOPE = "all"


class ConfigError(ValueError):
    """A tenant config value that cannot work; the message starts with the field's path."""


@dataclass(frozen=True)
class Application:
    name: str
    type: AppType
    id: str
    secret: str
    redirect_uris: tuple[str, ...] = ()
    post_logout_redirect_uris: tuple[str, ...] = ()
    first_party: bool = True
    roles: tuple[str, ...] = ()  # machine-to-machine roles (m2m apps only)

    @property
    def confidential(self) -> bool:
        return self.type in ("traditional", "m2m")


@dataclass(frozen=True)
class Resource:
    indicator: str
    name: str
    scopes: tuple[str, ...] = ()
    access_token_ttl: int = 3600
    default: bool = False  # Logto's "default API": used when a token request names no resource


MANAGEMENT_API = Resource(MANAGEMENT_API_RESOURCE, "Logto Management API", (MANAGEMENT_API_SCOPE,))


@dataclass(frozen=True)
class Role:
    name: str
    description: str = ""
    scopes: tuple[tuple[str, str], ...] = ()  # (resource indicator, scope)
    type: RoleType = "user"  # user roles go to users, m2m roles to machine-to-machine apps


@dataclass(frozen=True)
class OrganizationRole:
    """A role of the organization template: organization scopes ("permissions") and, for organization
    API resources, resource scopes."""

    name: str
    description: str = ""
    type: RoleType = "user"
    scopes: tuple[str, ...] = ()  # organization scopes
    resource_scopes: tuple[tuple[str, str], ...] = ()  # (resource indicator, scope)


@dataclass(frozen=True)
class OrganizationTemplate:
    scopes: tuple[str, ...] = ()  # every organization scope of the tenant
    roles: tuple[OrganizationRole, ...] = ()

    def role(self, name: str) -> OrganizationRole | None:
        return next((r for r in self.roles if r.name == name), None)


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    members: tuple[str, ...] = ()  # user emails or usernames
    roles: tuple[tuple[str, str], ...] = ()  # (member, org role name)
    applications: tuple[str, ...] = ()  # machine-to-machine apps of the organization
    application_roles: tuple[tuple[str, str], ...] = ()  # (application id, org role name)


@dataclass(frozen=True)
class SeedUser:
    email: str | None = None
    username: str | None = None
    phone: str | None = None
    password: str | None = None
    name: str | None = None
    picture: str | None = None
    custom_data: dict[str, Any] = field(default_factory=dict)
    roles: tuple[str, ...] = ()
    id: str | None = None
    mfa: SeedMfa | None = None  # a TOTP secret, backup codes (:mod:`._mfa_records`)


@dataclass(frozen=True)
class SignInMethod:
    identifier: str
    verification_code: bool = True
    password: bool = False


# ``defaultUsernamePolicy`` (@logto/core-kit ``username-policy.ts``).
DEFAULT_USERNAME_POLICY: dict[str, Any] = {
    "caseSensitive": True,
    "minLength": 1,
    "maxLength": 128,
    "allowedChars": {"lowercase": True, "uppercase": True, "numbers": True, "underscore": True},
}


@dataclass(frozen=True)
class SentinelPolicy:
    """The ``sentinel_policy`` column (``sentinelPolicyGuard``, packages/schemas/src/foundations/jsonb-types/
    sign-in-experience.ts) as stored: an unset key is ``None`` and takes ``defaultSentinelPolicy``."""

    max_attempts: float | None = None
    lockout_duration: float | None = None  # minutes


@dataclass(frozen=True)
class EmailBlocklistPolicy:
    """The ``email_blocklist_policy`` column (``emailBlocklistPolicyGuard``) as stored: unset is ``None``."""

    block_disposable_addresses: bool | None = None
    block_subaddressing: bool | None = None
    custom_allowlist: tuple[str, ...] | None = None
    custom_blocklist: tuple[str, ...] | None = None


@dataclass(frozen=True)
class SignInExperience:
    sign_up_identifiers: tuple[str, ...] = ("email",)
    sign_up_verify: bool = True
    sign_up_password: bool = False
    registration_enabled: bool = True
    sign_in_methods: tuple[SignInMethod, ...] = (
        SignInMethod("email", verification_code=True, password=False),
    )
    forgot_password_email: bool = True
    app_name: str = ""
    sentinel_policy: SentinelPolicy = SentinelPolicy()
    email_blocklist_policy: EmailBlocklistPolicy = EmailBlocklistPolicy()
    # Set by ``PATCH /api/sign-in-exp`` (:mod:`._password_policy`, :mod:`._username_policy`): the stored
    # ``passwordPolicy`` (partial; ``{}`` is Logto's defaults), ``usernamePolicy``, and
    # ``signUp.secondaryIdentifiers`` as ``(identifier, verify)`` pairs (None: the key is absent).
    password_policy: dict[str, Any] = field(default_factory=dict, hash=False)
    username_policy: dict[str, Any] = field(
        default_factory=lambda: deepcopy(DEFAULT_USERNAME_POLICY), hash=False
    )
    sign_up_secondary: tuple[tuple[str, bool | None], ...] | None = None
    mfa: MfaSettings = field(default_factory=MfaSettings)  # the ``mfa`` column (:mod:`._mfa_policy`)
    adaptive_mfa: dict[str, Any] = field(default_factory=dict, hash=False)  # ``{}`` or ``{enabled: false}``
    password_expiration: dict[str, Any] = field(
        default_factory=dict, hash=False
    )  # :mod:`._password_expiration`
    # ``socialSignIn`` ({automaticAccountLinking?, skipRequiredIdentifiers?}) and
    # ``socialSignInConnectorTargets`` (:mod:`._verification_social`).
    social_sign_in: dict[str, Any] = field(default_factory=dict, hash=False)
    social_targets: tuple[str, ...] = ()
    single_sign_on: bool = False  # ``singleSignOnEnabled`` (:mod:`._verification_sso`)

    def method(self, identifier: str) -> SignInMethod | None:
        return next((m for m in self.sign_in_methods if m.identifier == identifier), None)


@dataclass(frozen=True)
class Connector:
    kind: Literal["mailgun", "smtp", "twilio", "http"]  # email: mailgun, smtp; SMS: twilio, http
    config: dict[str, Any]


@dataclass(frozen=True)
class SocialConnectorSeed:
    """A ``[[social_connectors]]`` table (:mod:`._social_config`): a social connector row the tenant starts
    with, shown on the sign-in pages, and the stand-in's preset identity for its target (None: the
    provider's page asks)."""

    id: str
    factory_id: str
    config: dict[str, Any] = field(hash=False)
    metadata: dict[str, Any] = field(default_factory=dict, hash=False)  # the row's ``metadata`` column
    sync_profile: bool = False
    identity: dict[str, Any] | None = field(default=None, hash=False)


@dataclass(frozen=True)
class CodePolicy:
    length: int = 6
    expiry: int = 600
    max_attempts: int = 10
    send_cap: int = 10
    send_window: int = 600
    resend_countdown: int = 59


# Logto's registrable hook events (``hookEvents``, packages/schemas/src/foundations/jsonb-types/hooks.ts),
# without the dev-feature ``TrustedDevice.*`` ones, which routes/hook.ts refuses unless dev features are on.
HOOK_EVENTS: tuple[str, ...] = (
    "PostRegister", "PostSignIn", "PostSignInAdaptiveMfaTriggered", "PostResetPassword",
    "User.Created", "User.Deleted", "User.Data.Updated", "User.SuspensionStatus.Updated",
    "Role.Created", "Role.Deleted", "Role.Data.Updated", "Role.Scopes.Updated",
    "Scope.Created", "Scope.Deleted", "Scope.Data.Updated",
    "Organization.Created", "Organization.Deleted", "Organization.Data.Updated",
    "Organization.Membership.Updated",
    "OrganizationRole.Created", "OrganizationRole.Deleted", "OrganizationRole.Data.Updated",
    "OrganizationRole.Scopes.Updated",
    "OrganizationScope.Created", "OrganizationScope.Deleted", "OrganizationScope.Data.Updated",
    "Identifier.Lockout", "Message.RateLimited", "Grant.LimitExceeded",
)  # fmt: skip


@dataclass(frozen=True)
class Hook:
    """A webhook as the Console creates one (Logto's ``hooks`` table: ``config.url``, ``config.headers``,
    ``signingKey``, ``enabled``; the legacy single ``event``, matched only while ``events`` is empty, and
    the deprecated ``config.retries``, stored and echoed but unused; ``createdAt`` in epoch ms)."""

    id: str
    name: str
    events: tuple[str, ...]
    url: str
    signing_key: str
    headers: tuple[tuple[str, str], ...] = ()
    enabled: bool = True
    event: str | None = None
    retries: int | None = None
    created_at: int = field(default_factory=lambda: int(time.time() * 1000), compare=False)


@dataclass(frozen=True)
class TenantConfig:
    endpoint: str = ""  # empty: http://localhost:<port>, the seed's http://localhost:3001 by default
    applications: tuple[Application, ...] = ()
    resources: tuple[Resource, ...] = ()
    roles: tuple[Role, ...] = ()
    organization_template: OrganizationTemplate = field(default_factory=OrganizationTemplate)
    organizations: tuple[Organization, ...] = ()
    users: tuple[SeedUser, ...] = ()
    sign_in_experience: SignInExperience = field(default_factory=SignInExperience)
    connector: Connector | None = None
    sms_connector: Connector | None = None  # ``[sms_connector]``: Twilio or HTTP SMS (._sms_connectors)
    code_policy: CodePolicy = field(default_factory=CodePolicy)
    hooks: tuple[Hook, ...] = ()
    social_connectors: tuple[SocialConnectorSeed, ...] = ()
    management_api_default: bool = False  # ``PATCH /api/resources/management-api/is-default``
    sso_connectors: tuple[SsoConnectorSeed, ...] = ()  # ``[[sso_connectors]]`` (:mod:`._config_sso`)

    def application(self, client_id: str) -> Application | None:
        return next((a for a in self.applications if a.id == client_id), None)

    def resource(self, indicator: str) -> Resource | None:
        """The API resource, the reserved organizations resource included (Logto's ``findResource``)."""
        if indicator == ORGANIZATIONS_RESOURCE:
            return Resource(
                indicator, "Organizations", self.organization_template.scopes, RESERVED_RESOURCE_TTL
            )
        if indicator == MANAGEMENT_API_RESOURCE:
            return self.management_api
        return next((r for r in self.resources if r.indicator == indicator), None)

    @property
    def management_api(self) -> Resource:
        return replace(MANAGEMENT_API, default=self.management_api_default)

    @property
    def default_resource(self) -> Resource | None:
        return next((r for r in (self.management_api, *self.resources) if r.default), None)

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if r.name == name), None)

    def organization(self, organization_id: str) -> Organization | None:
        return next((o for o in self.organizations if o.id == organization_id), None)

    def public_endpoint(self, flag: str, port: int) -> str:
        """The tenant's public URL (issuer, browser URLs): the ``--endpoint`` flag, else this config's,
        else ``http://localhost:PORT`` on the port actually bound."""
        return (flag or self.endpoint or f"http://localhost:{port}").rstrip("/")


def default_application() -> Application:
    return Application(
        name="Bookstore",
        type="traditional",
        id="bookstore",
        secret="bookstore-secret",
        redirect_uris=("http://localhost:3000/callback",),
        post_logout_redirect_uris=("http://localhost:3000",),
    )

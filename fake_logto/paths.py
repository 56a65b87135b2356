"""Every path fake_logto serves, in one place (Logto's own, see reference/logto.md; public: the harness client
builds its requests from these)."""

from __future__ import annotations

OIDC = "/oidc"
DISCOVERY = OIDC + "/.well-known/openid-configuration"
DISCOVERY_OAUTH = OIDC + "/.well-known/oauth-authorization-server"
JWKS = OIDC + "/jwks"
AUTH = OIDC + "/auth"
AUTH_RESUME = OIDC + "/auth/{uid}"
TOKEN = OIDC + "/token"
USERINFO = OIDC + "/me"
END_SESSION = OIDC + "/session/end"
END_SESSION_CONFIRM = OIDC + "/session/end/confirm"
END_SESSION_SUCCESS = OIDC + "/session/end/success"
REVOCATION = OIDC + "/token/revocation"
INTROSPECTION = OIDC + "/token/introspection"
DEVICE_AUTH = OIDC + "/device/auth"
PAR = OIDC + "/request"  # pushed authorization requests (RFC 9126)

API = "/api"
SIGN_IN_EXP = API + "/.well-known/sign-in-exp"
EXPERIENCE = API + "/experience"
EXPERIENCE_EVENT = EXPERIENCE + "/interaction-event"
EXPERIENCE_CODE_SEND = EXPERIENCE + "/verification/verification-code"
EXPERIENCE_CODE_VERIFY = EXPERIENCE + "/verification/verification-code/verify"
EXPERIENCE_PASSWORD_VERIFY = EXPERIENCE + "/verification/password"
EXPERIENCE_NEW_PASSWORD_IDENTITY = EXPERIENCE + "/verification/new-password-identity"
EXPERIENCE_ONE_TIME_TOKEN_VERIFY = EXPERIENCE + "/verification/one-time-token/verify"
EXPERIENCE_IDENTIFICATION = EXPERIENCE + "/identification"
EXPERIENCE_PROFILE = EXPERIENCE + "/profile"
EXPERIENCE_PROFILE_PASSWORD = EXPERIENCE + "/profile/password"
EXPERIENCE_SUBMIT = EXPERIENCE + "/submit"
EXPERIENCE_INTERACTION = EXPERIENCE + "/interaction"
EXPERIENCE_MFA = EXPERIENCE_PROFILE + "/mfa"
EXPERIENCE_MFA_SKIPPED = EXPERIENCE_MFA + "/mfa-skipped"
EXPERIENCE_MFA_ENABLED = EXPERIENCE_MFA + "/mfa-enabled"
EXPERIENCE_MFA_SUGGESTION_SKIPPED = EXPERIENCE_MFA + "/mfa-suggestion-skipped"
EXPERIENCE_TOTP_SECRET = EXPERIENCE + "/verification/totp/secret"
EXPERIENCE_TOTP_VERIFY = EXPERIENCE + "/verification/totp/verify"
EXPERIENCE_BACKUP_CODE_GENERATE = EXPERIENCE + "/verification/backup-code/generate"
EXPERIENCE_BACKUP_CODE_VERIFY = EXPERIENCE + "/verification/backup-code/verify"
EXPERIENCE_MFA_CODE_SEND = EXPERIENCE + "/verification/mfa-verification-code"
EXPERIENCE_MFA_CODE_VERIFY = EXPERIENCE + "/verification/mfa-verification-code/verify"
EXPERIENCE_WEBAUTHN_REGISTRATION = EXPERIENCE + "/verification/web-authn/registration"
EXPERIENCE_WEBAUTHN_REGISTRATION_VERIFY = EXPERIENCE_WEBAUTHN_REGISTRATION + "/verify"
EXPERIENCE_WEBAUTHN_AUTHENTICATION = EXPERIENCE + "/verification/web-authn/authentication"
EXPERIENCE_WEBAUTHN_AUTHENTICATION_VERIFY = EXPERIENCE_WEBAUTHN_AUTHENTICATION + "/verify"
EXPERIENCE_SOCIAL_AUTHORIZATION_URI = EXPERIENCE + "/verification/social/{connector_id}/authorization-uri"
EXPERIENCE_SOCIAL_VERIFY = EXPERIENCE + "/verification/social/{connector_id}/verify"
EXPERIENCE_SSO_AUTHORIZATION_URI = EXPERIENCE + "/verification/sso/{connector_id}/authorization-uri"
EXPERIENCE_SSO_VERIFY = EXPERIENCE + "/verification/sso/{connector_id}/verify"
EXPERIENCE_SSO_CONNECTORS = EXPERIENCE + "/sso-connectors"  # anonymous-routes/index.ts

# The Management API (packages/core/src/routes/admin-user/*.ts).
MANAGEMENT_USERS = API + "/users"
MANAGEMENT_USER = MANAGEMENT_USERS + "/{user_id}"
MANAGEMENT_USER_CUSTOM_DATA = MANAGEMENT_USER + "/custom-data"
MANAGEMENT_USER_PROFILE = MANAGEMENT_USER + "/profile"
MANAGEMENT_USER_IDENTITIES = MANAGEMENT_USER + "/identities"  # admin-user/social.ts
MANAGEMENT_USER_IDENTITY = MANAGEMENT_USER_IDENTITIES + "/{target}"
MANAGEMENT_USER_PASSWORD = MANAGEMENT_USER + "/password"
MANAGEMENT_USER_PASSWORD_VERIFY = MANAGEMENT_USER_PASSWORD + "/verify"
MANAGEMENT_USER_PASSWORD_EXPIRATION = MANAGEMENT_USER_PASSWORD + "/expiration"
MANAGEMENT_USER_HAS_PASSWORD = MANAGEMENT_USER + "/has-password"
MANAGEMENT_USER_IS_SUSPENDED = MANAGEMENT_USER + "/is-suspended"
MANAGEMENT_USER_MFA = MANAGEMENT_USER + "/mfa-verifications"
MANAGEMENT_USER_MFA_ONE = MANAGEMENT_USER_MFA + "/{verification_id}"
MANAGEMENT_USER_LOGTO_CONFIGS = MANAGEMENT_USER + "/logto-configs"  # admin-user/basics.ts
MANAGEMENT_ROLES = API + "/roles"
MANAGEMENT_ROLE = MANAGEMENT_ROLES + "/{role_id}"
MANAGEMENT_ROLE_SCOPES = MANAGEMENT_ROLE + "/scopes"
MANAGEMENT_ROLE_SCOPE = MANAGEMENT_ROLE_SCOPES + "/{scope_id}"
MANAGEMENT_USER_ROLES = MANAGEMENT_USER + "/roles"
MANAGEMENT_USER_ROLE = MANAGEMENT_USER_ROLES + "/{role_id}"
MANAGEMENT_SIGN_IN_EXP = API + "/sign-in-exp"  # routes/sign-in-experience/index.ts
MANAGEMENT_SENTINEL_ACTIVITIES_DELETE = API + "/sentinel-activities/delete"  # routes/sentinel-activities.ts
# routes/resource.ts, resource.scope.ts, applications/*.ts, role.user.ts, role.application.ts: the path
# parameters keep Logto's names (webhooks report the matched route).
MANAGEMENT_RESOURCES = API + "/resources"
MANAGEMENT_RESOURCE = MANAGEMENT_RESOURCES + "/{id}"
MANAGEMENT_RESOURCE_IS_DEFAULT = MANAGEMENT_RESOURCE + "/is-default"
MANAGEMENT_RESOURCE_SCOPES = MANAGEMENT_RESOURCES + "/{resourceId}/scopes"
MANAGEMENT_RESOURCE_SCOPE = MANAGEMENT_RESOURCE_SCOPES + "/{scopeId}"
MANAGEMENT_APPLICATIONS = API + "/applications"
MANAGEMENT_APPLICATION = MANAGEMENT_APPLICATIONS + "/{id}"
MANAGEMENT_APPLICATION_SECRETS = MANAGEMENT_APPLICATION + "/secrets"
MANAGEMENT_APPLICATION_SECRET = MANAGEMENT_APPLICATION_SECRETS + "/{name}"
MANAGEMENT_APPLICATION_ROLES = MANAGEMENT_APPLICATIONS + "/{applicationId}/roles"
MANAGEMENT_APPLICATION_ROLE = MANAGEMENT_APPLICATION_ROLES + "/{roleId}"
MANAGEMENT_ROLE_USERS = API + "/roles/{id}/users"
MANAGEMENT_ROLE_USER = MANAGEMENT_ROLE_USERS + "/{userId}"
MANAGEMENT_ROLE_APPLICATIONS = API + "/roles/{id}/applications"
MANAGEMENT_ROLE_APPLICATION = MANAGEMENT_ROLE_APPLICATIONS + "/{applicationId}"
# Organizations (routes/organization/**, organization-role/, organization-scope/, admin-user/organization.ts),
# path parameters named as Logto's routes name them.
MANAGEMENT_ORGANIZATIONS = API + "/organizations"
MANAGEMENT_ORGANIZATION = MANAGEMENT_ORGANIZATIONS + "/{id}"
MANAGEMENT_ORGANIZATION_USERS = MANAGEMENT_ORGANIZATION + "/users"
MANAGEMENT_ORGANIZATION_USERS_ROLES = MANAGEMENT_ORGANIZATION_USERS + "/roles"
MANAGEMENT_ORGANIZATION_USER = MANAGEMENT_ORGANIZATION_USERS + "/{userId}"
MANAGEMENT_ORGANIZATION_USER_ROLES = MANAGEMENT_ORGANIZATION_USER + "/roles"
MANAGEMENT_ORGANIZATION_USER_ROLE = MANAGEMENT_ORGANIZATION_USER_ROLES + "/{organizationRoleId}"
MANAGEMENT_ORGANIZATION_USER_SCOPES = MANAGEMENT_ORGANIZATION_USER + "/scopes"
MANAGEMENT_ORGANIZATION_APPLICATIONS = MANAGEMENT_ORGANIZATION + "/applications"
MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS = (
    MANAGEMENT_ORGANIZATION + "/jit/email-domains"
)  # organization/jit/
MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAIN = MANAGEMENT_ORGANIZATION_JIT_EMAIL_DOMAINS + "/{emailDomain}"
MANAGEMENT_ORGANIZATION_JIT_ROLES = MANAGEMENT_ORGANIZATION + "/jit/roles"
MANAGEMENT_ORGANIZATION_JIT_ROLE = MANAGEMENT_ORGANIZATION_JIT_ROLES + "/{organizationRoleId}"
MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTORS = MANAGEMENT_ORGANIZATION + "/jit/sso-connectors"
MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTOR = MANAGEMENT_ORGANIZATION_JIT_SSO_CONNECTORS + "/{ssoConnectorId}"
MANAGEMENT_ORGANIZATION_APPLICATIONS_ROLES = MANAGEMENT_ORGANIZATION_APPLICATIONS + "/roles"
MANAGEMENT_ORGANIZATION_APPLICATION = MANAGEMENT_ORGANIZATION_APPLICATIONS + "/{applicationId}"
MANAGEMENT_ORGANIZATION_APPLICATION_ROLES = MANAGEMENT_ORGANIZATION_APPLICATION + "/roles"
MANAGEMENT_ORGANIZATION_APPLICATION_ROLE = MANAGEMENT_ORGANIZATION_APPLICATION_ROLES + "/{organizationRoleId}"
MANAGEMENT_ORGANIZATION_ROLES = API + "/organization-roles"
MANAGEMENT_ORGANIZATION_ROLE = MANAGEMENT_ORGANIZATION_ROLES + "/{id}"
MANAGEMENT_ORGANIZATION_ROLE_SCOPES = MANAGEMENT_ORGANIZATION_ROLE + "/scopes"
MANAGEMENT_ORGANIZATION_ROLE_SCOPE = MANAGEMENT_ORGANIZATION_ROLE_SCOPES + "/{organizationScopeId}"
MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPES = MANAGEMENT_ORGANIZATION_ROLE + "/resource-scopes"
MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPE = MANAGEMENT_ORGANIZATION_ROLE_RESOURCE_SCOPES + "/{scopeId}"
MANAGEMENT_ORGANIZATION_SCOPES = API + "/organization-scopes"
MANAGEMENT_ORGANIZATION_SCOPE = MANAGEMENT_ORGANIZATION_SCOPES + "/{id}"
# routes/organization-invitation/index.ts
MANAGEMENT_ORGANIZATION_INVITATIONS = API + "/organization-invitations"
MANAGEMENT_ORGANIZATION_INVITATION = MANAGEMENT_ORGANIZATION_INVITATIONS + "/{id}"
MANAGEMENT_ORGANIZATION_INVITATION_STATUS = MANAGEMENT_ORGANIZATION_INVITATION + "/status"
MANAGEMENT_ORGANIZATION_INVITATION_MESSAGE = MANAGEMENT_ORGANIZATION_INVITATION + "/message"
MANAGEMENT_USER_ORGANIZATIONS = MANAGEMENT_USERS + "/{userId}/organizations"
MANAGEMENT_HOOKS = API + "/hooks"  # routes/hook.ts
MANAGEMENT_CONNECTORS = API + "/connectors"  # routes/connector/index.ts
MANAGEMENT_CONNECTOR = MANAGEMENT_CONNECTORS + "/{connector_id}"
MANAGEMENT_CONNECTOR_AUTHORIZATION_URI = MANAGEMENT_CONNECTOR + "/authorization-uri"  # authorization-uri.ts
MANAGEMENT_HOOK = MANAGEMENT_HOOKS + "/{hook_id}"
MANAGEMENT_SSO_CONNECTORS = API + "/sso-connectors"  # routes/sso-connector/index.ts
MANAGEMENT_SSO_CONNECTOR = MANAGEMENT_SSO_CONNECTORS + "/{id}"
MANAGEMENT_SSO_CONNECTOR_PROVIDERS = API + "/sso-connector-providers"
MANAGEMENT_HOOK_SIGNING_KEY = MANAGEMENT_HOOK + "/signing-key"
MANAGEMENT_HOOK_TEST = MANAGEMENT_HOOK + "/test"
MANAGEMENT_HOOK_RECENT_LOGS = MANAGEMENT_HOOK + "/recent-logs"
MANAGEMENT_ONE_TIME_TOKENS = API + "/one-time-tokens"  # routes/one-time-tokens.ts
MANAGEMENT_ONE_TIME_TOKENS_VERIFY = MANAGEMENT_ONE_TIME_TOKENS + "/verify"
MANAGEMENT_ONE_TIME_TOKEN = MANAGEMENT_ONE_TIME_TOKENS + "/{id}"
MANAGEMENT_ONE_TIME_TOKEN_STATUS = MANAGEMENT_ONE_TIME_TOKEN + "/status"

SIGN_IN = "/sign-in"
REGISTER = "/register"
REGISTER_PASSWORD = REGISTER + "/password"
RESET_PASSWORD = "/reset-password"
UNKNOWN_SESSION = "/unknown-session"
CONSENT = "/consent"
SIGN_IN_PASSWORD = "/sign-in/password"
VERIFICATION_CODE = "/{flow}/verification-code"
FORGOT_PASSWORD = "/forgot-password"
FORGOT_PASSWORD_RESET = "/forgot-password/reset"
CONTINUE = "/continue"
CONTINUE_PASSWORD = CONTINUE + "/password"
# The other continue pages: /continue/<MissingProfile> (packages/experience/src/pages/Continue).
CONTINUE_USERNAME = CONTINUE + "/username"
CONTINUE_EMAIL = CONTINUE + "/email"
CONTINUE_PHONE = CONTINUE + "/phone"
CONTINUE_EMAIL_OR_PHONE = CONTINUE + "/emailOrPhone"
# MFA (UserMfaFlow): the factor lists, a factor's page under each (/mfa-binding/Totp), the prompt.
MFA_BINDING = "/mfa-binding"
MFA_VERIFICATION = "/mfa-verification"
MFA_ONBOARDING = "/mfa-onboarding"
MFA_BINDING_WEBAUTHN = "/mfa-binding/WebAuthn"  # the WebAuthn pages (Logto's experience app's paths)
MFA_VERIFICATION_WEBAUTHN = "/mfa-verification/WebAuthn"
SINGLE_SIGN_ON_EMAIL = "/single-sign-on/email"  # packages/experience SingleSignOnEmail
SINGLE_SIGN_ON_CONNECTORS = "/single-sign-on/connectors"  # SingleSignOnConnectors
DIRECT_SSO = "/direct/sso/{connector_id}"  # pages/DirectSignIn for direct_sign_in=sso:<connectorId>
STATIC = "/static/{name}"
# Social sign-in pages (_pages_social.py): the provider's redirect URI, the page that verifies, the direct
# sign-in landing (direct_sign_in=social:<target>) and the link-account page.
CALLBACK = "/callback/{connector_id}"
SOCIAL_CALLBACK = "/callback/social/{connector_id}"
DIRECT = "/direct/{method}"
DIRECT_TARGET = DIRECT + "/{target}"
SOCIAL_LINK = "/social/link/{connector_id}"

CONTROL = "/__harness"
HEALTH = CONTROL + "/health"
CLOCK = CONTROL + "/clock"
RESET = CONTROL + "/reset"
USERS = CONTROL + "/users"
USER = CONTROL + "/users/{user_id}"
USER_MFA = USER + "/mfa"
CODES = CONTROL + "/codes"
CONTROL_SIGN_IN_EXP = CONTROL + "/sign-in-exp"
DEBUG = CONTROL + "/"
EVENTS = CONTROL + "/events"
EVENTS_WAIT = CONTROL + "/events/wait"
HOOK_DELIVERIES = CONTROL + "/hook-deliveries"
HOOK_DELIVERIES_WAIT = HOOK_DELIVERIES + "/wait"
# Served when the harness runs fake_logto (``Server(routes=…)``; harness/_sign_in_endpoint.py), not alone.
HARNESS_SIGN_IN = CONTROL + "/sign-in"
FAULTS = CONTROL + "/faults"  # _faults_control.py: faults, key rotation, attack tokens
KEYS_ROTATE = CONTROL + "/keys/rotate"
ATTACK_TOKENS = CONTROL + "/attack-tokens"
# The social provider stand-in (_social_provider.py): a local Google / GitHub (the provider's own surface),
# and its test control (the preset identity) under /__harness.
SOCIAL = "/social-provider/{target}"
SOCIAL_AUTHORIZE = SOCIAL + "/authorize"
SOCIAL_TOKEN = SOCIAL + "/token"
SOCIAL_USERINFO = SOCIAL + "/userinfo"
SOCIAL_USER_EMAILS = SOCIAL + "/user/emails"
SOCIAL_IDENTITY = CONTROL + "/social/{target}/identity"
# The enterprise identity provider stand-in (_sso_provider.py): OIDC providers named by the test, each its
# own issuer, and their preset identity under /__harness.
SSO_IDP = "/sso-provider/{idp}"
SSO_IDP_DISCOVERY = SSO_IDP + "/.well-known/openid-configuration"
SSO_IDP_AUTHORIZE = SSO_IDP + "/authorize"
SSO_IDP_TOKEN = SSO_IDP + "/token"
SSO_IDP_JWKS = SSO_IDP + "/jwks"
SSO_IDP_USERINFO = SSO_IDP + "/userinfo"
SSO_IDP_IDENTITY = CONTROL + "/sso/{idp}/identity"

# Cookies: node-oidc-provider's names (each with a keygrip ``.sig`` companion).
INTERACTION_COOKIE = "_interaction"
RESUME_COOKIE = "_interaction_resume"
SESSION_COOKIE = "_session"

__all__ = sorted(name for name in dir() if name.isupper())

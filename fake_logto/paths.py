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
EXPERIENCE_IDENTIFICATION = EXPERIENCE + "/identification"
EXPERIENCE_PROFILE = EXPERIENCE + "/profile"
EXPERIENCE_PROFILE_PASSWORD = EXPERIENCE + "/profile/password"
EXPERIENCE_SUBMIT = EXPERIENCE + "/submit"
EXPERIENCE_INTERACTION = EXPERIENCE + "/interaction"

# The Management API (packages/core/src/routes/admin-user/*.ts).
MANAGEMENT_USERS = API + "/users"
MANAGEMENT_USER = MANAGEMENT_USERS + "/{user_id}"
MANAGEMENT_USER_CUSTOM_DATA = MANAGEMENT_USER + "/custom-data"
MANAGEMENT_USER_PASSWORD = MANAGEMENT_USER + "/password"
MANAGEMENT_USER_PASSWORD_VERIFY = MANAGEMENT_USER_PASSWORD + "/verify"
MANAGEMENT_USER_HAS_PASSWORD = MANAGEMENT_USER + "/has-password"
MANAGEMENT_USER_IS_SUSPENDED = MANAGEMENT_USER + "/is-suspended"

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
STATIC = "/static/{name}"

CONTROL = "/__harness"
HEALTH = CONTROL + "/health"
CLOCK = CONTROL + "/clock"
RESET = CONTROL + "/reset"
USERS = CONTROL + "/users"
USER = CONTROL + "/users/{user_id}"
CODES = CONTROL + "/codes"
DEBUG = CONTROL + "/"
EVENTS = CONTROL + "/events"
EVENTS_WAIT = CONTROL + "/events/wait"

# Cookies: node-oidc-provider's names (each with a keygrip ``.sig`` companion).
INTERACTION_COOKIE = "_interaction"
RESUME_COOKIE = "_interaction_resume"
SESSION_COOKIE = "_session"

__all__ = sorted(name for name in dir() if name.isupper())

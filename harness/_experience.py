"""Sign in over HTTP, without a browser: the same Experience API calls Logto's sign-in pages make.

Used by tests that are not about the sign-in UI (issue: "a fast path that signs in over HTTP") and by
the fake's own protocol tests. Cookies (the interaction and the SSO session) live in the client's jar,
exactly as a browser would keep them.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import httpx

from fake_logto import paths as logto_paths

from ._errors import ExperienceError


class ExperienceClient:
    """One browser's worth of state against a fake (or real) Logto endpoint."""

    def __init__(self, endpoint: str, http: httpx.Client | None = None) -> None:
        self.endpoint = endpoint.rstrip("/")
        self.http = http or httpx.Client(timeout=30)
        self.landing: str | None = None  # where /oidc/auth sent us (the sign-in UI route)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> ExperienceClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- low level ----------------------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        json: dict[str, Any] | None = None,
        ok: tuple[int, ...] = (200, 201, 204),
    ) -> httpx.Response:
        response = self.http.request(method, self.endpoint + path, json=json)
        if response.status_code not in ok:
            raise ExperienceError(response)
        return response

    def start(self, authorization_url: str) -> httpx.Response:
        """GET the authorization URL; returns the 303 (to the sign-in UI, or to the app when SSO applies)."""
        response = self.http.get(authorization_url, follow_redirects=False)
        if response.status_code != 303:
            raise ExperienceError(response)
        self.landing = urljoin(authorization_url, response.headers["location"])
        return response

    def set_event(self, event: str) -> None:
        self._call("PUT", logto_paths.EXPERIENCE, {"interactionEvent": event})

    def switch_event(self, event: str) -> None:
        self._call("PUT", logto_paths.EXPERIENCE_EVENT, {"interactionEvent": event})

    def send_code(self, email: str, event: str, *, identifier_type: str = "email") -> str:
        """Send a code to ``email`` (with ``identifier_type="phone"``: to that phone number, digits)."""
        body = {"identifier": {"type": identifier_type, "value": email}, "interactionEvent": event}
        verification_id: str = self._call("POST", logto_paths.EXPERIENCE_CODE_SEND, body).json()[
            "verificationId"
        ]
        return verification_id

    def verify_code(
        self, email: str, verification_id: str, code: str, *, identifier_type: str = "email"
    ) -> str:
        body = {
            "identifier": {"type": identifier_type, "value": email},
            "verificationId": verification_id,
            "code": code,
        }
        result: str = self._call("POST", logto_paths.EXPERIENCE_CODE_VERIFY, body).json()["verificationId"]
        return result

    def verify_password(self, identifier_type: str, value: str, password: str) -> str:
        body = {"identifier": {"type": identifier_type, "value": value}, "password": password}
        result: str = self._call("POST", logto_paths.EXPERIENCE_PASSWORD_VERIFY, body).json()[
            "verificationId"
        ]
        return result

    def identify(self, verification_id: str) -> int:
        return self._call(
            "POST", logto_paths.EXPERIENCE_IDENTIFICATION, {"verificationId": verification_id}
        ).status_code

    def set_password(self, password: str) -> None:
        self._call("PUT", logto_paths.EXPERIENCE_PROFILE_PASSWORD, {"password": password})

    def add_profile(self, **profile: str) -> None:
        self._call("POST", logto_paths.EXPERIENCE_PROFILE, profile)

    # --- MFA (totp-verification.ts, backup-code-verification.ts, profile-routes.ts) -------------------
    def totp_secret(self) -> dict[str, str]:
        """A new TOTP secret to bind: ``{verificationId, secret, secretQrCode}``."""
        body: dict[str, str] = self._call("POST", logto_paths.EXPERIENCE_TOTP_SECRET).json()
        return body

    def verify_totp(self, code: str, verification_id: str | None = None) -> str:
        """Check a code of the new secret (``verification_id``) or of the user's bound TOTP."""
        payload = {"code": code} | ({"verificationId": verification_id} if verification_id else {})
        result: str = self._call("POST", logto_paths.EXPERIENCE_TOTP_VERIFY, payload).json()["verificationId"]
        return result

    def generate_backup_codes(self) -> dict[str, Any]:
        """New backup codes to bind: ``{verificationId, codes}``."""
        body: dict[str, Any] = self._call("POST", logto_paths.EXPERIENCE_BACKUP_CODE_GENERATE).json()
        return body

    def verify_backup_code(self, code: str) -> str:
        body = {"code": code}
        result: str = self._call("POST", logto_paths.EXPERIENCE_BACKUP_CODE_VERIFY, body).json()[
            "verificationId"
        ]
        return result

    # --- WebAuthn (web-authn-verification.ts): options, then the browser's answer ``payload`` -----------
    def webauthn_registration(self) -> dict[str, Any]:
        """Options to register a passkey: ``{verificationId, registrationOptions}``."""
        body: dict[str, Any] = self._call("POST", logto_paths.EXPERIENCE_WEBAUTHN_REGISTRATION).json()
        return body

    def verify_webauthn_registration(self, verification_id: str, payload: dict[str, Any]) -> str:
        body = {"verificationId": verification_id, "payload": payload}
        path = logto_paths.EXPERIENCE_WEBAUTHN_REGISTRATION_VERIFY
        result: str = self._call("POST", path, body).json()["verificationId"]
        return result

    def webauthn_authentication(self) -> dict[str, Any]:
        """Options to assert one of the user's passkeys: ``{verificationId, authenticationOptions}``."""
        body: dict[str, Any] = self._call("POST", logto_paths.EXPERIENCE_WEBAUTHN_AUTHENTICATION).json()
        return body

    def verify_webauthn_authentication(self, verification_id: str, payload: dict[str, Any]) -> str:
        body = {"verificationId": verification_id, "payload": payload}
        path = logto_paths.EXPERIENCE_WEBAUTHN_AUTHENTICATION_VERIFY
        result: str = self._call("POST", path, body).json()["verificationId"]
        return result

    # --- email / phone codes as MFA (verification-code.ts ``mfa-verification-code``) ---------------------
    def send_mfa_code(self, identifier_type: str) -> str:
        """Send a code to the identified user's own primary ``email`` or ``phone``; its verificationId."""
        body = {"identifierType": identifier_type}
        result: str = self._call("POST", logto_paths.EXPERIENCE_MFA_CODE_SEND, body).json()["verificationId"]
        return result

    def verify_mfa_code(self, identifier_type: str, verification_id: str, code: str) -> str:
        body = {"verificationId": verification_id, "code": code, "identifierType": identifier_type}
        path = logto_paths.EXPERIENCE_MFA_CODE_VERIFY
        result: str = self._call("POST", path, body).json()["verificationId"]
        return result

    def bind_mfa(self, factor: str, verification_id: str) -> None:
        """Bind a verified factor (``Totp``, ``WebAuthn``, ``BackupCode``; ``EmailVerificationCode`` /
        ``PhoneVerificationCode`` with a verified code record of the new address) to the identified user
        (saved at submit)."""
        self._call("POST", logto_paths.EXPERIENCE_MFA, {"type": factor, "verificationId": verification_id})

    def skip_mfa(self) -> None:
        self._call("POST", logto_paths.EXPERIENCE_MFA_SKIPPED)

    def skip_mfa_suggestion(self) -> None:
        """Decline ``session.mfa.suggest_additional_mfa`` (``mfa-suggestion-skipped``)."""
        self._call("POST", logto_paths.EXPERIENCE_MFA_SUGGESTION_SKIPPED)

    def submit(self) -> str | None:
        response = self._call("POST", logto_paths.EXPERIENCE_SUBMIT)
        return response.json()["redirectTo"] if response.status_code == 200 else None

    def finish(self, redirect_to: str) -> str:
        """Follow the submit's redirectTo to the app's redirect URI, through Logto's ``/consent`` hop
        (which consents for a first-party app and returns to ``/oidc/auth``); returns that callback URL."""
        url = redirect_to
        for _hop in range(4):
            response = self.http.get(url, follow_redirects=False)
            if response.status_code not in (302, 303):
                raise ExperienceError(response)
            url = urljoin(url, response.headers["location"])
            path = urlsplit(url).path
            if path != logto_paths.CONSENT and not path.startswith(logto_paths.AUTH + "/"):
                return url
        raise ExperienceError(response)

    # --- social sign-in: what the sign-in page's buttons and callback page do (fake_logto/_pages_social.py)
    def social_verification(self, target: str) -> str:
        """Press "Continue with …" for ``target``'s connector: the provider (the stand-in, answering with its
        preset identity) and back, then ``verify``; returns the verified Social verification id."""
        found = self.http.get(self.endpoint + logto_paths.SIGN_IN_EXP).json()["socialConnectors"]
        connector_id = next((c["id"] for c in found if c["target"] == target), None)
        if connector_id is None:
            raise AssertionError(f"the sign-in experience lists no social connector of {target!r}: {found}")
        state, redirect_uri = secrets.token_urlsafe(12), f"{self.endpoint}/callback/{connector_id}"
        self.set_event("SignIn")
        uri_path = logto_paths.EXPERIENCE_SOCIAL_AUTHORIZATION_URI.format(connector_id=quote(connector_id))
        body = self._call("POST", uri_path, {"state": state, "redirectUri": redirect_uri}).json()
        back = self.http.get(body["authorizationUri"], follow_redirects=False)
        if back.status_code != 303:
            raise AssertionError(
                f"the {target} provider answered {back.status_code}, not a redirect: preset an identity "
                "(client.logto.preset_social_identity, or [tenant.social_connectors.identity])"
            )
        data = callback_params(back.headers["location"])
        if data.pop("state", None) != state:
            raise AssertionError(f"the provider did not return the state: {back.headers['location']}")
        verify = logto_paths.EXPERIENCE_SOCIAL_VERIFY.format(connector_id=quote(connector_id))
        payload = {
            "verificationId": body["verificationId"],
            "connectorData": {"redirectUri": redirect_uri, **data},
        }
        verification_id: str = self._call("POST", verify, payload).json()["verificationId"]
        return verification_id

    def social_flow(self, authorization_url: str, target: str) -> str:
        """Sign in by ``target``'s social connector, from the authorization URL to the callback URL, as the
        callback page does: a known identity signs in, one whose verified email or phone an account has
        links to that account (the link page's "Link with …"), a new one registers."""
        self.start(authorization_url)
        verification_id = self.social_verification(target)
        try:
            self.identify(verification_id)
        except ExperienceError as error:
            if error.code != "user.identity_not_exist":
                raise
            if (error.body.get("data") or {}).get("relatedUser"):
                link = {"verificationId": verification_id, "linkSocialIdentity": True}
                self._call("POST", logto_paths.EXPERIENCE_IDENTIFICATION, link)
            else:
                self.switch_event("Register")
                self.identify(verification_id)
        redirect_to = self.submit()
        assert redirect_to is not None
        return self.finish(redirect_to)

    # --- whole flows --------------------------------------------------------------------------------
    def email_code_flow(
        self, authorization_url: str, email: str, read_code: Callable[[str], str], event: str = "SignIn"
    ) -> str:
        """Sign in (or register) by email code, from the authorization URL to the callback URL. With
        ``event="SignIn"`` an unknown email falls back to registration, as the sign-in page does."""
        verification_id = self.send_email_code(authorization_url, email, event)
        return self.finish_email_code(email, verification_id, read_code(email))

    def send_email_code(self, authorization_url: str, email: str, event: str = "SignIn") -> str:
        """The first half of :meth:`email_code_flow`: start the interaction and send the code; returns the
        verification id :meth:`finish_email_code` takes."""
        self.start(authorization_url)
        self.set_event(event)
        return self.send_code(email, event)

    def phone_code_flow(
        self, authorization_url: str, phone: str, read_code: Callable[[str], str], event: str = "SignIn"
    ) -> str:
        """:meth:`email_code_flow` by SMS: ``phone`` as the Experience API takes it (digits, country code
        first: ``12015550123``); ``read_code`` gets it in E.164 (``+12015550123``), as the mailbox keeps
        text messages."""
        self.start(authorization_url)
        self.set_event(event)
        verification_id = self.send_code(phone, event, identifier_type="phone")
        code = read_code(f"+{phone}")
        return self.finish_email_code(phone, verification_id, code, identifier_type="phone")

    def finish_email_code(
        self, email: str, verification_id: str, code: str, *, identifier_type: str = "email"
    ) -> str:
        """The second half: verify ``code``, identify (switching between sign-in and registration as the
        sign-in page does), submit; returns the callback URL."""
        self.verify_code(email, verification_id, code, identifier_type=identifier_type)
        try:
            self.identify(verification_id)
        except ExperienceError as error:
            fallback = {
                "user.user_not_exist": "Register",
                "user.email_already_in_use": "SignIn",
                "user.phone_already_in_use": "SignIn",
            }.get(error.code or "")
            if fallback is None:
                raise
            self.switch_event(fallback)
            self.identify(verification_id)
        redirect_to = self.submit()
        assert redirect_to is not None
        return self.finish(redirect_to)


def callback_params(callback_url: str) -> dict[str, str]:
    """The query of a redirect back to the app (``code``, ``state``, ``iss`` or ``error``…)."""
    return {k: v[0] for k, v in parse_qs(urlsplit(callback_url).query).items()}

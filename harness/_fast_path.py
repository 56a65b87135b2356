"""Sign a user in to an app over HTTP and hand a browser the result: Playwright ``storage_state``.

For tests that are not about sign-in: the app's own ``/sign-in`` route starts the flow, the Experience
API finishes it (as the sign-in pages would), the app's callback sets its session cookie, and every
cookie of the jar — the app's and Logto's SSO session — goes into a storage state that
``browser.new_context(storage_state=…)`` accepts.

A single-page app keeps its tokens in the browser, not behind a cookie: :func:`sign_in_spa_over_http` plays
``@logto/browser``'s part (logto-io/js ``packages/client/src/client.ts`` ``signIn`` and
``handleSignInCallback``, ``packages/js/src/core/sign-in.ts``, ``fetch-token.ts``): an authorization
request with PKCE as the SDK builds it, the code exchanged by the public client from the app's origin,
and the tokens written where the SDK reads them (``packages/browser/src/storage.ts``): the app origin's
``localStorage`` keys ``logto:<appId>:idToken``, ``logto:<appId>:refreshToken`` and
``logto:<appId>:accessToken`` (a JSON map from ``buildAccessTokenKey()`` — ``"@"`` for no resource —
to ``{token, scope, expiresAt}``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

import httpx

from fake_logto import paths as logto_paths

from ._client import Mailbox
from ._experience import ExperienceClient, callback_params

# @logto/js withReservedScopes: the reserved scopes and ``profile`` come before the app's own.
SDK_SCOPES = ("openid", "offline_access", "profile")


def sign_in_over_http(
    app_url: str, email: str, mailbox: Mailbox, *, sign_in_path: str = "/sign-in", event: str = "SignIn"
) -> dict[str, Any]:
    """Register or sign in ``email`` through the app at ``app_url``; returns a Playwright storage state."""
    with httpx.Client(timeout=30) as http:
        authorization_url = _authorization_url(http, app_url, sign_in_path)
        parts = urlsplit(authorization_url)
        endpoint = f"{parts.scheme}://{parts.netloc}"
        experience = ExperienceClient(endpoint, http=http)
        with mailbox.expect_message(email) as sent:
            verification_id = experience.send_email_code(authorization_url, email, event)
        _land(http, experience.finish_email_code(email, verification_id, sent.code))
        return storage_state(http.cookies.jar)


def social_sign_in_over_http(app_url: str, target: str, *, sign_in_path: str = "/sign-in") -> dict[str, Any]:
    """Sign in through the app at ``app_url`` by the tenant's social connector of ``target`` (``google``,
    ``github``), whose provider stand-in answers with its preset identity
    (``client.logto.preset_social_identity`` or ``[tenant.social_connectors.identity]``): a new identity
    registers, a known one signs in, one whose verified email an account has links to it. Returns a
    Playwright storage state."""
    with httpx.Client(timeout=30) as http:
        authorization_url = _authorization_url(http, app_url, sign_in_path)
        parts = urlsplit(authorization_url)
        experience = ExperienceClient(f"{parts.scheme}://{parts.netloc}", http=http)
        _land(http, experience.social_flow(authorization_url, target))
        return storage_state(http.cookies.jar)


def _authorization_url(http: httpx.Client, app_url: str, sign_in_path: str) -> str:
    start = http.get(urljoin(app_url, sign_in_path), follow_redirects=False)
    if start.status_code not in (302, 303, 307):
        raise AssertionError(f"{sign_in_path} answered {start.status_code}, not a redirect to Logto")
    return urljoin(app_url, start.headers["location"])


def _land(http: httpx.Client, callback: str) -> None:
    landed = http.get(callback, follow_redirects=True)
    if landed.status_code >= 400:
        raise AssertionError(f"the app's callback answered {landed.status_code}: {landed.text[:200]}")


def _domain(domain: str | None) -> str:
    # http.cookiejar files cookies of dotless hosts under "<host>.local" (RFC 2965's effective host name).
    domain = (domain or "localhost").lstrip(".")
    return domain.removesuffix(".local") if "." not in domain.removesuffix(".local") else domain


def storage_state(jar: Any) -> dict[str, Any]:
    cookies = []
    for cookie in jar:
        cookies.append(
            {
                "name": cookie.name,
                "value": cookie.value or "",
                "domain": _domain(cookie.domain),
                "path": cookie.path or "/",
                "expires": float(cookie.expires) if cookie.expires else -1,
                "httpOnly": bool(
                    cookie.has_nonstandard_attr("HttpOnly") or cookie.get_nonstandard_attr("httponly")
                ),
                "secure": bool(cookie.secure),
                "sameSite": "Lax",
            }
        )
    return {"cookies": cookies, "origins": []}


def sign_in_spa_over_http(
    app_url: str,
    email: str,
    mailbox: Mailbox,
    *,
    logto_endpoint: str,
    app_id: str,
    register: bool = False,
    scopes: Sequence[str] = ("email",),
    redirect_path: str = "/callback",
) -> dict[str, Any]:
    """Register (``register``) or sign in ``email`` as the single-page app at ``app_url`` — a public client
    ``app_id`` of the Logto at ``logto_endpoint`` whose redirect URI is ``app_url + redirect_path`` — as
    ``@logto/browser`` would; returns a Playwright storage state whose ``origins`` hold the app origin's
    ``localStorage`` the SDK reads (and whose cookies are Logto's SSO session), so the app starts signed
    in. ``scopes`` are the app's own, as given to ``LogtoClient`` (the SDK adds its reserved ones)."""
    parts = urlsplit(app_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    redirect_uri = urljoin(origin, redirect_path)
    verifier = _random()
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    state = _random()
    cors = {"Origin": origin}  # the SDK calls Logto with fetch from the app's page
    with httpx.Client(timeout=30) as http:
        discovery = http.get(logto_endpoint.rstrip("/") + logto_paths.DISCOVERY, headers=cors)
        discovery.raise_for_status()
        oidc = discovery.json()
        query = {
            "client_id": app_id,
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": state,
            "response_type": "code",
            "prompt": "consent",
            "scope": " ".join(dict.fromkeys([*SDK_SCOPES, *scopes])),
            **({"first_screen": "register"} if register else {}),
        }
        experience = ExperienceClient(logto_endpoint, http=http)
        with mailbox.expect_message(email) as sent:
            verification_id = experience.send_email_code(
                f"{oidc['authorization_endpoint']}?{urlencode(query)}",
                email,
                "Register" if register else "SignIn",
            )
        callback = callback_params(experience.finish_email_code(email, verification_id, sent.code))
        if callback.get("state") != state or "code" not in callback:
            raise AssertionError(f"Logto's callback to the app carried no code for this sign-in: {callback}")
        requested_at = round(time.time())
        form = {
            "client_id": app_id,
            "code": callback["code"],
            "code_verifier": verifier,
            "redirect_uri": redirect_uri,
            "grant_type": "authorization_code",
        }
        answer = http.post(oidc["token_endpoint"], data=form, headers=cors)
        if answer.status_code != 200:
            raise AssertionError(f"the token endpoint answered {answer.status_code}: {answer.text[:200]}")
        tokens = answer.json()
        cookies = storage_state(http.cookies.jar)
    access = {
        "token": tokens["access_token"],
        "scope": tokens.get("scope", ""),
        "expiresAt": requested_at + int(tokens["expires_in"]),
    }
    items = {
        "idToken": tokens["id_token"],
        "refreshToken": tokens.get("refresh_token"),
        "accessToken": json.dumps({"@": access}, separators=(",", ":")),
    }
    local = [{"name": f"logto:{app_id}:{key}", "value": value} for key, value in items.items() if value]
    return {**cookies, "origins": [{"origin": origin, "localStorage": local}]}


def _random() -> str:
    """@logto/browser's ``generateRandomString``: 64 random bytes, base64url without padding."""
    return base64.urlsafe_b64encode(secrets.token_bytes(64)).decode().rstrip("=")

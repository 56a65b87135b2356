"""Sign a user in to an app over HTTP and hand a browser the result: Playwright ``storage_state``.

For tests that are not about sign-in: the app's own ``/sign-in`` route starts the flow, the Experience
API finishes it (as the sign-in pages would), the app's callback sets its session cookie, and every
cookie of the jar — the app's and Logto's SSO session — goes into a storage state that
``browser.new_context(storage_state=…)`` accepts.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from ._client import Mailbox
from ._experience import ExperienceClient


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

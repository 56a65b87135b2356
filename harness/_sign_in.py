"""Sign a user in to any app over HTTP, hop by hop, for tools that are not Python: ``harness sign-in``
(:mod:`._cli_sign_in`) and ``POST /__harness/sign-in`` (:mod:`._sign_in_endpoint`) both run
:func:`sign_in` with one :class:`~._sign_in_request.SignInRequest`, whose fields are the flags' and the
body's names.

The hops are the browser's: the app's own sign-in route (a redirect to Logto's ``/oidc/auth``), the
authorization request (a 303 to the sign-in pages), the Experience API calls Logto's sign-in SPA makes
(``packages/experience/src/apis/experience``: ``PUT /api/experience``, the verification code sent and
verified — read from the mailbox, as a person would — or the password, ``identification``, ``submit``),
Logto's consent hop back to ``/oidc/auth``, and the app's callback, which sets its session cookie. A
refusal stops at its hop, named in :class:`SignInError` with Logto's error code; nothing is retried and
the sign-in page's fallbacks (register an unknown address, sign in a known one) are not taken, so that a
wrong address is an error, not a new user.
"""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx

from ._client import Mailbox
from ._errors import APIError, ExperienceError, HarnessError, MailboxTimeout
from ._experience import ExperienceClient
from ._fast_path import sign_in_spa_over_http, storage_state
from ._sign_in_request import SignInRequest

Progress = Callable[[str], None]


class SignInError(HarnessError):
    """The sign-in stopped at ``hop``; ``status`` and ``code`` are what answered there (Logto's error
    code, or the OAuth ``error``), ``hint`` what to try."""

    def __init__(
        self, hop: str, detail: str, *, status: int | None = None, code: str | None = None, hint: str = ""
    ) -> None:
        self.hop, self.detail, self.status, self.code, self.hint = hop, detail, status, code, hint
        super().__init__(f"sign-in failed at {hop}: {detail}" + (f" ({hint})" if hint else ""))

    def body(self) -> dict[str, Any]:
        """The endpoint's error body: a control error (``error``, ``message``) with the hop's details."""
        return {
            "error": "sign_in_failed",
            "message": str(self),
            "hop": self.hop,
            "status": self.status,
            "code": self.code,
        }


# Logto's codes a caller can act on, with what to do (packages/phrases/src/locales/en/errors/user.ts).
_HINTS = {
    "user.user_not_exist": 'no such user: pass --register ("register": true) to create it',
    "user.email_already_in_use": "the address is registered already: sign in without --register",
    "user.missing_profile": "the sign-up asks for more: a --password, or a profile this command does not fill",
    "session.invalid_credentials": "wrong email or password",
    "user.sign_up_method_not_enabled": "the tenant's sign-up does not accept this",
    "user.sign_in_method_not_enabled": "the tenant's sign-in does not accept this",
}


def _short(response: httpx.Response) -> tuple[str | None, str]:
    """An error response's code and message: Logto's ``{code, message}``, the OAuth ``{error,
    error_description}``, or the start of a page's text."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict):
        code = body.get("code") or body.get("error")
        # An OIDC error's description says more than Logto's "An OIDC error occurred: <code>."
        message = body.get("error_description") or body.get("message") or ""
        return (str(code) if code else None), _plain(str(message))
    return None, _plain(response.text)


def _plain(text: str) -> str:
    """A page's (or any body's) text, tags dropped, on one line, cut short."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())
    return text if len(text) <= 160 else text[:159] + "…"


@contextlib.contextmanager
def _hop(name: str) -> Iterator[None]:
    """Every failure inside a hop becomes one :class:`SignInError` naming it (never a stack trace)."""
    try:
        yield
    except SignInError:
        raise
    except ExperienceError as exc:
        code = exc.code
        message = _plain(str(exc.body.get("message") or exc.body.get("error_description") or ""))
        raise SignInError(
            name,
            f"{exc.status} {code or ''}: {message}".replace("  ", " "),
            status=exc.status,
            code=code,
            hint=_HINTS.get(code or "", ""),
        ) from None
    except MailboxTimeout as exc:
        raise SignInError(name, str(exc), hint="is the app's Logto this harness's fake_logto?") from None
    except APIError as exc:  # the mailbox's control API, or a mail without a code
        raise SignInError(name, str(exc)) from None
    except httpx.TransportError as exc:
        where = exc.request.url if _has_request(exc) else "the server"
        raise SignInError(name, f"cannot reach {where}: {exc or type(exc).__name__}") from None


def _has_request(exc: httpx.TransportError) -> bool:
    try:
        exc.request  # noqa: B018 - raises RuntimeError when the error has no request
    except RuntimeError:
        return False
    return True


def _expect(response: httpx.Response, hop: str, statuses: tuple[int, ...], what: str) -> None:
    if response.status_code not in statuses:
        code, message = _short(response)
        detail = f"{response.request.method} {response.request.url} answered {response.status_code}"
        detail += f" {code}" if code else ""
        detail += f": {message}" if message else ""
        raise SignInError(hop, f"{detail}, not {what}", status=response.status_code, code=code)


def sign_in(
    request: SignInRequest,
    mailbox: Mailbox,
    progress: Progress | None = None,
    *,
    logto_endpoint: str | None = None,
) -> dict[str, Any]:
    """Run the flow; returns ``{app_url, email, event, callback, storage_state}`` (the storage state:
    Playwright's ``{cookies, origins}``), plus ``tokens`` for a single-page app (``spa_app_id``, which
    needs ``logto_endpoint``). Raises :class:`SignInError` naming the hop that failed."""
    say = progress or (lambda _line: None)
    app_url = request.app_url.rstrip("/")
    event = "Register" if request.register else "SignIn"
    if request.spa_app_id is not None:
        return _sign_in_spa(request, mailbox, say, app_url, event, logto_endpoint)
    with httpx.Client(timeout=request.timeout + 10) as http:
        experience = _authorize(http, app_url, request.sign_in_path, say)
        if request.password is not None and not request.register:
            verification_id = _verify_password(experience, request, say)
        else:
            verification_id = _verify_email_code(experience, request, event, mailbox, say)
        with _hop("identification"):
            say(f"{event}: identify the user")
            experience.identify(verification_id)
        with _hop("submit"):
            say("submit the interaction")
            redirect_to = experience.submit()
            if redirect_to is None:
                raise SignInError("submit", "Logto answered no redirectTo")
            callback = experience.finish(redirect_to)
        with _hop("the app's callback"):
            say(f"the app's callback: {urlsplit(callback).path}")
            landed = http.get(callback, follow_redirects=True)
            _expect(landed, "the app's callback", tuple(range(200, 400)), "the app signed in")
        say(f"signed in: {len(http.cookies.jar)} cookie(s)")
        return {
            "app_url": app_url,
            "email": request.email,
            "event": event,
            "callback": callback.split("?")[0],
            "storage_state": storage_state(http.cookies.jar),
        }


def _sign_in_spa(
    request: SignInRequest,
    mailbox: Mailbox,
    say: Progress,
    app_url: str,
    event: str,
    logto_endpoint: str | None,
) -> dict[str, Any]:
    """A single-page app: no route of the app starts the sign-in (its page calls Logto itself), so the flow
    is ``@logto/browser``'s (:func:`~._fast_path.sign_in_spa_over_http`) and the tokens are the result."""
    assert request.spa_app_id is not None
    if not logto_endpoint:
        raise SignInError("the single-page app's sign-in", "no Logto endpoint to sign in against")
    say(f"{event} as the single-page app {request.spa_app_id} (PKCE, from {app_url})")
    with _hop("the single-page app's sign-in"):
        try:
            state = sign_in_spa_over_http(
                app_url,
                request.email,
                mailbox,
                logto_endpoint=logto_endpoint,
                app_id=request.spa_app_id,
                register=request.register,
            )
        except httpx.HTTPStatusError as exc:
            _expect(exc.response, "the single-page app's sign-in", (200,), "an answer")
            raise
    tokens = {
        entry["name"]: entry["value"]
        for origin in state["origins"]
        for entry in origin.get("localStorage", [])
    }
    say(f"signed in: {len(tokens)} token entr{'y' if len(tokens) == 1 else 'ies'} for {app_url}")
    return {
        "app_url": app_url,
        "email": request.email,
        "event": event,
        "callback": None,
        "storage_state": state,
        "tokens": tokens,
    }


def _authorize(http: httpx.Client, app_url: str, sign_in_path: str, say: Progress) -> ExperienceClient:
    """The app's sign-in route and Logto's authorization request; returns the client, at the pages."""
    start_url = urljoin(app_url + "/", sign_in_path.lstrip("/"))
    with _hop("the app's sign-in route"):
        say(f"GET {start_url}")
        start = http.get(start_url, follow_redirects=False)
        _expect(start, "the app's sign-in route", (302, 303, 307), "a redirect to Logto")
        if "location" not in start.headers:
            raise SignInError("the app's sign-in route", f"GET {start_url} redirected nowhere (no Location)")
    authorization_url = urljoin(start_url, start.headers["location"])
    parts = urlsplit(authorization_url)
    experience = ExperienceClient(f"{parts.scheme}://{parts.netloc}", http=http)
    with _hop("authorization"):
        say(f"GET {parts.scheme}://{parts.netloc}{parts.path} (the app's authorization request)")
        response = http.get(authorization_url, follow_redirects=False)
        _expect(response, "authorization", (303,), "a redirect to the sign-in pages")
        experience.landing = urljoin(authorization_url, response.headers.get("location", ""))
        # An error Logto could send back goes to the app's redirect URI (oidc/init.ts, response modes).
        sent_back = {k: v[0] for k, v in parse_qs(urlsplit(experience.landing).query).items()}
        if "error" in sent_back:
            raise SignInError(
                "authorization",
                f"Logto sent {sent_back['error']} back to the app: {sent_back.get('error_description', '')}",
                code=sent_back["error"],
            )
    return experience


def _verify_password(experience: ExperienceClient, request: SignInRequest, say: Progress) -> str:
    with _hop("start the interaction"):
        experience.set_event("SignIn")
    with _hop("password verification"):
        say(f"verify the password of {request.email}")
        assert request.password is not None
        return experience.verify_password("email", request.email, request.password)


def _verify_email_code(
    experience: ExperienceClient, request: SignInRequest, event: str, mailbox: Mailbox, say: Progress
) -> str:
    with _hop("start the interaction"):
        experience.set_event(event)
    # The wait for the mail happens as the inner block ends: its failures belong to the mailbox hop.
    with (
        _hop("the mailbox"),
        mailbox.expect_message(request.email, timeout=request.timeout) as sent,
        _hop("send the verification code"),
    ):
        say(f"{event}: send a code to {request.email}")
        verification_id = experience.send_code(request.email, event)
    with _hop("the mailbox"):
        code = sent.code
    with _hop("verify the code"):
        say(f"verify the code from the mailbox ({code})")
        experience.verify_code(request.email, verification_id, code)
    if request.password is not None:
        with _hop("set the password"):
            say("set the new user's password")
            experience.add_profile(type="password", value=request.password)
    return verification_id

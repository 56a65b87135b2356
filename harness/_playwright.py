"""Drive fake_logto's sign-in pages with Playwright (sync API), as a person would: register, sign in by
email code or by password, reset a password.

Each helper takes a ``Page`` already on the sign-in UI (or navigates there first from ``auth_url``, an
``/oidc/auth`` URL), finds fields and buttons by their labels and roles only, and reads the code from the
mailbox's server-side wait. The pages are Logto's (``packages/experience``): their texts are Logto's
phrases, and the code page submits itself once the code is typed in (there is no "Continue" to click). The flows end where the browser leaves the sign-in UI — the app's redirect URI
with ``code``, ``state`` and ``iss`` — and return that URL (``reset_password`` ends back on the sign-in
page instead). The browser's request for the app is caught, not waited on (:func:`leaving_sign_in`), so
nothing needs to listen at the app's URL.

The mailbox is a :class:`harness.Mailbox` (``harness.Client(...).mailbox``, the ``mailbox`` fixture). Each
helper wraps the click that sends a code in ``mailbox.expect_message(to=address)``, so it waits for that
very message: a code from an earlier flow (or from before a resend) is never used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Request, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from fake_logto import paths as logto_paths

from ._client import ExpectedMessage, Mailbox
from ._errors import SignInFailed

# The sign-in identifier's label is "Email", "Username" or "Email / Username", as the tenant allows.
IDENTIFIER_LABEL = re.compile(r"email|username", re.IGNORECASE)
# Paths of the sign-in UI, including the /oidc/auth/<uid> hop that ends it (Logto's own UI has them too).
UI_PATHS = (
    logto_paths.SIGN_IN,
    logto_paths.REGISTER,
    logto_paths.FORGOT_PASSWORD,
    logto_paths.RESET_PASSWORD,
    logto_paths.CONTINUE,
    logto_paths.CONSENT,
    logto_paths.MFA_BINDING_WEBAUTHN,
    logto_paths.MFA_VERIFICATION_WEBAUTHN,
    logto_paths.OIDC + "/",
    # Social sign-in: the provider stand-in's page, the way back, the direct landing, the link page.
    *(p.partition("{")[0] for p in (logto_paths.SOCIAL, logto_paths.CALLBACK, logto_paths.DIRECT)),
    logto_paths.SOCIAL_LINK.partition("{")[0],
)
DEFAULT_TIMEOUT = 20.0
# The pages' headings (Logto's titles) and texts the helpers follow.
SIGN_IN = "Sign in to your account"
REGISTER = "Create your account"


# --- steps --------------------------------------------------------------------------------------------
def _open(page: Page, auth_url: str | None) -> None:
    if auth_url is not None:
        page.goto(auth_url)


def _heading(page: Page, name: str) -> None:
    expect(page.get_by_role("heading", name=name, level=1)).to_be_visible()


def _on_screen(page: Page, wanted: str, other: str, link: str) -> None:
    """Make sure the page shows the ``wanted`` screen, following ``link`` from the ``other`` one."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile(rf"^({re.escape(wanted)}|{re.escape(other)})$"))
    if heading.inner_text().strip() == other:
        page.get_by_role("link", name=link, exact=True).click()
    _heading(page, wanted)


def _enter_code(page: Page, sent: ExpectedMessage) -> None:
    """Type in the code the action sent: the code page submits itself once its last digit is in."""
    page.get_by_label("Verification code").fill(sent.code)


def _fill_new_password(page: Page, password: str) -> None:
    """Logto's set-password form: "Password", and "Confirm password" when the form asks for it."""
    page.get_by_label("Password", exact=True).fill(password)
    confirm = page.get_by_label("Confirm password", exact=True)
    if confirm.count():
        confirm.fill(password)
    page.get_by_role("button", name="Save password", exact=True).click()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _in_ui(url: str, origin: str) -> bool:
    return _origin(url) == origin and urlsplit(url).path.startswith(UI_PATHS)


@dataclass
class Departure:
    """Where the browser went when it left the sign-in UI (set when the ``with`` block ends)."""

    url: str = ""


@contextmanager
def leaving_sign_in(page: Page, timeout: float = DEFAULT_TIMEOUT) -> Iterator[Departure]:
    """Wrap the action that finishes a flow: waits for the browser's navigation out of the sign-in UI
    (``/oidc/auth/<uid>``'s redirect to the app) and records its URL. The request is caught, not
    loaded: nothing needs to listen at the app's redirect URI. Raises :class:`SignInFailed`, with the
    page's alert, when the browser stays."""
    origin = _origin(page.url)
    departure = Departure()

    def leaves(request: Request) -> bool:
        return request.is_navigation_request() and not _in_ui(request.url, origin)

    acted = False
    try:
        with page.expect_request(leaves, timeout=timeout * 1000) as left:
            yield departure
            acted = True
    except PlaywrightTimeoutError as error:
        if not acted:  # the action itself timed out: not ours to explain
            raise
        said = " / ".join(t.strip() for t in page.get_by_role("alert").all_inner_texts() if t.strip())
        raise SignInFailed(
            f"still on {page.url} after {timeout:g} s; the page's alert says: {said or 'nothing'}"
        ) from error
    departure.url = left.value.url
    # Let that navigation land before the caller goes on (a goto would be interrupted by it): on the app's
    # page, or on the browser's error page when nothing listens there.
    if _in_ui(page.url, origin):
        with suppress(PlaywrightError):
            page.wait_for_event(
                "framenavigated",
                lambda frame: frame == page.main_frame and not _in_ui(frame.url, origin),
                timeout=timeout * 1000,
            )


# --- flows ----------------------------------------------------------------------------------------------
def register(
    page: Page,
    address: str,
    mailbox: Mailbox,
    *,
    auth_url: str | None = None,
    password: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Create an account for ``address`` by email code; ``password`` when the tenant asks for one at
    sign-up ("Set password"). Returns the URL the browser left the sign-in UI for."""
    _open(page, auth_url)
    _on_screen(page, REGISTER, SIGN_IN, "Create account")
    with mailbox.expect_message(address, timeout=timeout) as sent:
        page.get_by_label("Email", exact=True).fill(address)
        page.get_by_role("button", name="Create account", exact=True).click()
    with leaving_sign_in(page, timeout) as departure:
        _enter_code(page, sent)
        if password is not None:
            _heading(page, "Set password")
            _fill_new_password(page, password)
    return departure.url


def sign_in_with_email_code(
    page: Page,
    address: str,
    mailbox: Mailbox,
    *,
    auth_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Sign in as ``address`` with a code sent to it (through the password page's "Sign in with
    verification code" link when the tenant puts passwords first). Returns the URL the browser left for."""
    _open(page, auth_url)
    _on_screen(page, SIGN_IN, REGISTER, "Sign in")
    with mailbox.expect_message(address, timeout=timeout) as sent:
        page.get_by_label(IDENTIFIER_LABEL).fill(address)
        page.get_by_role("button", name="Sign in", exact=True).click()
        code_field = page.get_by_label("Verification code")
        use_code = page.get_by_role("link", name="Sign in with verification code")
        expect(code_field.or_(use_code)).to_be_visible()
        if use_code.is_visible():
            use_code.click()
    with leaving_sign_in(page, timeout) as departure:
        _enter_code(page, sent)
    return departure.url


def sign_in_with_password(
    page: Page,
    identifier: str,
    password: str,
    *,
    auth_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Sign in with an email or username and its password (on the sign-in page when the tenant signs in
    by password only, else on the password page after it). Returns the URL the browser left for."""
    _open(page, auth_url)
    _on_screen(page, SIGN_IN, REGISTER, "Sign in")
    page.get_by_label(IDENTIFIER_LABEL).fill(identifier)
    password_field = page.get_by_label("Password", exact=True)
    submit = "Sign in"
    if password_field.count() == 0:  # identifier first: the password has a page of its own
        page.get_by_role("button", name="Sign in", exact=True).click()
        _heading(page, "Enter password")
        submit = "Continue"
    password_field.fill(password)
    with leaving_sign_in(page, timeout) as departure:
        page.get_by_role("button", name=submit, exact=True).click()
    return departure.url


def reset_password(
    page: Page,
    address: str,
    new_password: str,
    mailbox: Mailbox,
    *,
    auth_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> None:
    """Reset the password of ``address``: "Forgot your password?", a code, the new password. Ends on the
    sign-in page, which says the password changed."""
    _open(page, auth_url)
    heading = page.get_by_role("heading", level=1)
    expect(heading).not_to_have_text("")
    if heading.inner_text().strip() != "Reset password":
        _on_screen(page, SIGN_IN, REGISTER, "Sign in")
        forgot = page.get_by_role("link", name="Forgot your password?")
        if forgot.count() == 0:  # identifier first: the link is on the password page
            page.get_by_label(IDENTIFIER_LABEL).fill(address)
            page.get_by_role("button", name="Sign in", exact=True).click()
            _heading(page, "Enter password")
        forgot.click()
        _heading(page, "Reset password")
    with mailbox.expect_message(address, timeout=timeout) as sent:
        page.get_by_label("Email", exact=True).fill(address)
        page.get_by_role("button", name="Continue", exact=True).click()
    _enter_code(page, sent)
    _heading(page, "New password")
    _fill_new_password(page, new_password)
    _heading(page, SIGN_IN)
    expect(page.get_by_role("status")).to_contain_text("Password changed")


def pick_social_identity(page: Page, identity: Mapping[str, str | bool], *, deny: bool = False) -> None:
    """On the social provider stand-in's page: fill in ``identity`` (``id``, ``email``, ``name``,
    ``avatar``; ``email_verified``, default true) and press Continue, or Deny."""
    expect(page.get_by_role("heading", name=re.compile(r"^Sign in with "))).to_be_visible()
    for key, label in (("id", "Id"), ("email", "Email"), ("name", "Name"), ("avatar", "Avatar URL")):
        if isinstance(identity.get(key), str):
            page.get_by_label(label, exact=True).fill(str(identity[key]))
    page.get_by_label("Email verified").set_checked(identity.get("email_verified", True) is not False)
    page.get_by_role("button", name="Deny" if deny else "Continue", exact=True).click()


def social_button(page: Page, name: str) -> Locator:
    """The "Continue with ``name``" button (its accessible name starts with the logo's alt, the target)."""
    return page.get_by_role("button", name=re.compile(rf"(^|\s)Continue with {re.escape(name)}$"))


def sign_in_with_social(
    page: Page,
    name: str,
    identity: Mapping[str, str | bool] | None = None,
    *,
    auth_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> str:
    """Press "Continue with ``name``" on the sign-in or register page and pick ``identity`` on the provider
    stand-in's page (``None``: the stand-in's preset identity answers, no page). New identities register,
    known ones sign in. Returns the URL the browser left for."""
    _open(page, auth_url)
    with leaving_sign_in(page, timeout) as departure:
        social_button(page, name).click()
        if identity is not None:
            pick_social_identity(page, identity)
    return departure.url

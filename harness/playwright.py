"""Drive Logto's sign-in pages (the fake's or a real tenant's) with Playwright, as a user would.

Each helper starts from the page the app sent the browser to (or ``auth_url``), wraps the click that
sends a code in ``mailbox.expect_message(to=address)`` (so it reads that very message's code, waited for
server-side), and returns once the browser has left the sign-in UI for the app; :class:`SignInFailed`
says where it stopped otherwise. Needs Playwright (a test dependency)::

    from harness.playwright import sign_in_with_email_code
    sign_in_with_email_code(page, "alice@example.test", mailbox)

Passkeys: :func:`virtual_authenticator` gives a page Chromium's virtual authenticator (CDP), so the
WebAuthn pages register and use a passkey without a device.
"""

from __future__ import annotations

from ._errors import SignInFailed
from ._playwright import (
    leaving_sign_in,
    pick_social_identity,
    register,
    reset_password,
    sign_in_with_email_code,
    sign_in_with_password,
    sign_in_with_social,
    social_button,
)
from ._virtual_authenticator import VirtualAuthenticator, virtual_authenticator

__all__ = [
    "SignInFailed",
    "VirtualAuthenticator",
    "leaving_sign_in",
    "pick_social_identity",
    "register",
    "reset_password",
    "sign_in_with_email_code",
    "sign_in_with_password",
    "sign_in_with_social",
    "social_button",
    "virtual_authenticator",
]

"""The WebAuthn pages of the sign-in UI: ``/mfa-binding/WebAuthn`` ("Create a passkey") and
``/mfa-verification/WebAuthn`` ("Verify via passkey"), at the paths of Logto's experience app
(``packages/experience/src/pages/MfaBinding/WebAuthnBinding``, ``MfaVerification/WebAuthnVerification``),
with its texts (``packages/phrases-experience/src/locales/en/mfa.ts``).

Logto's app asks for the ceremony's options before it navigates here (``use-start-webauthn-processing.ts``)
and keeps them in the history state; these pages are reachable directly, so their script
(``static/webauthn.js``) asks for them as the page loads, then runs the browser's ceremony on the click and
sends its answer as ``use-webauthn-operation.ts`` does (``apis/experience/mfa.ts``: ``bindMfa``,
``verifyMfa``). Without an interaction, the unknown-session page, as every page of the UI.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response

from . import paths
from ._pages import _context, _interaction, _to_unknown_session, render

BINDING: dict[str, str | None] = {
    "page": "mfa-binding-webauthn",
    "title": "Create a passkey",
    "description": (
        "Register your passkey using device biometrics, security keys (e.g., YubiKey), or other available "
        "methods."
    ),
    "section": None,
    "button": "Create a passkey",
}
VERIFICATION: dict[str, str | None] = {
    "page": "mfa-verification-webauthn",
    "title": "2-step verification",
    "section": "Verify via passkey",
    "description": (
        "Use passkey to verify by your device password or biometrics, scanning QR code, or using USB security "
        "key like YubiKey."
    ),
    "button": "Verify via passkey",
}


def _page(texts: dict[str, str | None]) -> Callable[[Request], Awaitable[Response]]:
    async def handler(request: Request) -> Response:
        interaction = _interaction(request)
        if interaction is None:
            return _to_unknown_session(request, None)
        context = _context(request, interaction, str(texts["page"]))
        return render(request, "webauthn.html", {**context, **texts})

    handler.__name__ = f"{str(texts['page']).replace('-', '_')}_page"
    return handler


ROUTES = [
    ("GET", paths.MFA_BINDING_WEBAUTHN, _page(BINDING)),
    ("GET", paths.MFA_VERIFICATION_WEBAUTHN, _page(VERIFICATION)),
]

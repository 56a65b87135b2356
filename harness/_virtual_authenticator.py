"""Chromium's virtual authenticator on a Playwright page, so a test registers and uses passkeys without a
device: the Chrome DevTools Protocol's ``WebAuthn`` domain (``WebAuthn.enable``,
``WebAuthn.addVirtualAuthenticator``) through a CDP session, as Logto's own integration tests do
(``packages/integration-tests/src/ui-helpers/expect-webauthn-experience.ts``: ctap2, internal transport,
a resident key, user verification that succeeds).

The authenticator answers every ceremony of that page at once (no prompt); :class:`VirtualAuthenticator`
lists the credentials it holds (``WebAuthn.getCredentials``), clears them, flips user verification, and
removes itself. WebAuthn needs a secure context whose host is a domain: the fakes' ``http://localhost:…``
is one, ``http://127.0.0.1:…`` is not (browsers refuse an IP address as the relying party id).
Chromium only (CDP).
"""

from __future__ import annotations

from types import TracebackType
from typing import Any

from playwright.sync_api import CDPSession, Page


class VirtualAuthenticator:
    """One virtual authenticator attached to a page's CDP session (a context manager removing it)."""

    def __init__(self, session: CDPSession, authenticator_id: str) -> None:
        self.session = session
        self.authenticator_id = authenticator_id

    def _send(self, method: str, **params: Any) -> dict[str, Any]:
        result: dict[str, Any] = self.session.send(
            method, {"authenticatorId": self.authenticator_id, **params}
        )
        return result

    def credentials(self) -> list[dict[str, Any]]:
        """The credentials it holds, as CDP's ``WebAuthn.Credential``: ``credentialId`` (base64),
        ``isResidentCredential``, ``rpId``, ``userHandle`` (base64), ``signCount``, ``privateKey``."""
        found: list[dict[str, Any]] = self._send("WebAuthn.getCredentials")["credentials"]
        return found

    def clear(self) -> None:
        """Forget every credential (the user lost the device)."""
        self._send("WebAuthn.clearCredentials")

    def set_user_verified(self, verified: bool) -> None:
        """Whether the next ceremonies' user verification (biometrics, PIN) succeeds."""
        self._send("WebAuthn.setUserVerified", isUserVerified=verified)

    def remove(self) -> None:
        self._send("WebAuthn.removeVirtualAuthenticator")

    def __enter__(self) -> VirtualAuthenticator:
        return self

    def __exit__(
        self, _type: type[BaseException] | None, _exc: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.remove()


def virtual_authenticator(
    page: Page,
    *,
    protocol: str = "ctap2",
    transport: str = "internal",
    resident_key: bool = True,
    user_verification: bool = True,
    user_verified: bool = True,
) -> VirtualAuthenticator:
    """Add a virtual authenticator to ``page`` (a platform passkey by default: ctap2, ``internal``, a
    resident key, user verification that succeeds); its ceremonies need no click in a browser prompt."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable", {"enableUI": False})
    options = {
        "protocol": protocol,
        "transport": transport,
        "hasResidentKey": resident_key,
        "hasUserVerification": user_verification,
        "isUserVerified": user_verified,
        "automaticPresenceSimulation": True,
    }
    added = session.send("WebAuthn.addVirtualAuthenticator", {"options": options})
    return VirtualAuthenticator(session, str(added["authenticatorId"]))

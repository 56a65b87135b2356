"""How ``/oidc/auth`` answers an error raised before its redirect_uri is known good, as node-oidc-provider's
``lib/shared/authorization_error_handler.js`` with Logto's ``renderError`` (``packages/core/src/oidc/
init.ts``): rendered as JSON (:class:`Unredirectable`) while the client or the redirect_uri is not good,
else sent back to the redirect_uri by the response mode (:func:`early_error`). The first such error is a
repeated parameter (:func:`reject_dupes`).
"""

from __future__ import annotations

from ._client_auth import format_list
from ._errors import OAuthError, SendBack
from ._prompts import EXTRA_PARAMS
from ._redirect_uris import redirect_uri_allowed
from ._response_modes import MODES
from ._tenant import Tenant

REDIRECT_URI_MISMATCH = "redirect_uri did not match any of the client's registered redirect_uris"
# The parameters node-oidc-provider reads at /oidc/auth, in its order (lib/consts/param_list.js, then
# ``resource``, then Logto's extraParams: ExtraParamsKey, packages/schemas/src/consts/oidc.ts).
AUTH_PARAMS = tuple(
    dict.fromkeys(
        (
            "acr_values", "claims_locales", "client_id", "code_challenge", "code_challenge_method", "display",
            "id_token_hint", "login_hint", "max_age", "nonce", "prompt", "redirect_uri", "registration",
            "request", "request_uri", "response_mode", "response_type", "scope", "state", "ui_locales",
            "resource", *EXTRA_PARAMS,
        )
    )
)  # fmt: skip


class Unredirectable(OAuthError):
    """An error before the client and redirect_uri are known good: what Logto's ``renderError`` sets as the
    body — node-oidc-provider's ``out`` (``state`` when given, ``iss``) — as JSON, never an HTML page."""

    def __init__(
        self,
        tenant: Tenant,
        items: list[tuple[str, str]],
        error: str,
        description: str,
        client_id: str | None,
    ) -> None:
        super().__init__(error, description, client_id=client_id)
        state = next((v for k, v in items if k == "state"), None)
        self.extra = ({"state": state} if state else {}) | {"iss": tenant.issuer}

    def body(self) -> dict[str, str]:
        return {**super().body(), **self.extra}


def single(items: list[tuple[str, str]], key: str) -> str | None:
    """The error handler's ``safe(params[key])``: one non-empty value, else nothing."""
    values = [v for k, v in items if k == key]
    return values[0] if len(values) == 1 and values[0] else None


def early_error(tenant: Tenant, items: list[tuple[str, str]], error: str, description: str) -> OAuthError:
    """An error before the redirect_uri is checked, answered as ``authorization_error_handler.js``: sent
    back when the client and the redirect_uri (or its only registered one: ``one_redirect_uri_clients.js``)
    are good, ``invalid_redirect_uri`` for one it does not know, else rendered (JSON)."""
    client_id = single(items, "client_id")
    client = tenant.config.application(client_id) if client_id else None
    redirect = single(items, "redirect_uri")
    if client is not None and redirect is None and len(client.redirect_uris) == 1:
        redirect = client.redirect_uris[0]
    if client is None or redirect is None:
        return Unredirectable(tenant, items, error, description, client_id)
    if not redirect_uri_allowed(client, redirect):
        return Unredirectable(tenant, items, "invalid_redirect_uri", REDIRECT_URI_MISMATCH, client_id)
    mode = single(items, "response_mode") or ""
    mode = mode if mode in MODES else "query"
    back = SendBack(redirect, single(items, "state"), client.id, response_mode=mode)
    return back.error(error, description)


def reject_dupes(tenant: Tenant, items: list[tuple[str, str]]) -> None:
    """``lib/shared/reject_dupes.js`` (``resource`` excepted), before the client is known: the repeated
    parameters, named in the provider's order, are dropped before the error handler reads ``client_id``,
    ``redirect_uri`` and ``state`` — a repeated ``client_id`` or ``redirect_uri`` is rendered (JSON)."""
    keys = [k for k, _ in items]
    dupes = [k for k in AUTH_PARAMS if k != "resource" and keys.count(k) > 1]
    if dupes:
        noun = "parameter" if len(dupes) == 1 else "parameters"
        kept = [(k, v) for k, v in items if k not in dupes]
        raise early_error(
            tenant, kept, "invalid_request", f"{format_list(dupes)} {noun} must not be provided twice"
        )

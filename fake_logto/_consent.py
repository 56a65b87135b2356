"""``GET /consent``: where a consent interaction lands, consented automatically for a first-party app.

Logto mounts ``/consent`` as ``koaInteractionDetails`` → ``koaConsentGuard`` → ``koaAutoConsent``
(``packages/core/src/tenants/Tenant.ts``, ``middleware/koa-auto-consent.ts``): the signed ``_interaction``
cookie must name a live interaction (else 400 ``session.not_found``, the provider's "interaction session
id cookie not found" / "interaction session not found"), the interaction must carry a signed-in session
(else 400 ``session.not_found``, a plain ``RequestError``); a first-party app's requested scopes are
granted and the browser goes back (302) to ``/oidc/auth/<uid>`` — the interaction's ``returnTo``. A
third-party app's consent page is the pages' (:mod:`._pages`), which the fake does not let a user submit.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from . import _cookies, _pages, _prompts, paths
from ._errors import LogtoError
from ._tenant import Tenant


async def consent(request: Request) -> Response:
    tenant: Tenant = request.app.state.tenant
    interaction = _cookies.live_interaction(request, tenant)
    if interaction.params.get("prompt_name") != _prompts.CONSENT or interaction.user_id is None:
        error = LogtoError("session.not_found", 400)
        error.message = _cookies.SESSION_NOT_FOUND_MESSAGE
        raise error
    client = tenant.config.application(interaction.client_id)
    if client is None or not client.first_party:
        return await _pages.consent(request)
    with tenant.store.lock:
        interaction.submitted = True
    tenant.events.record(
        "consent", flow=interaction.params.get("flow", interaction.uid), client_id=client.id,
        consent="automatic (first-party app)", scopes=interaction.params["scopes"],
    )  # fmt: skip
    return RedirectResponse(tenant.url(paths.AUTH_RESUME.format(uid=interaction.uid)), status_code=302)


ROUTES = [("GET", paths.CONSENT, consent)]

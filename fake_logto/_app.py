"""The app factory: every room's route table on one ASGI app (:class:`App`: the control API's part built on
first use), each error type rendered once (OAuth and Logto errors by :mod:`._errors`, control errors by
fakekit), CORS as Logto answers it (:mod:`._cors`), and
any other ``/oidc`` path or method answered as Logto's ``koaOidcUnrecognizedRoute``
(``packages/core/src/middleware/koa-oidc-unrecognized-route.ts``): 404 ``invalid_request``
"unrecognized route or not allowed method (<METHOD> on <path below /oidc>)"."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, cast

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from fakekit import ControlError, DeferredApp, handle_control_error, http_error_as_fastapi

from . import _data_hooks, _errors, _hooks, paths
from ._config import TenantConfig
from ._config_file import load_config
from ._cors import Cors
from ._fault_injection import FaultInjection
from ._keys import SigningKey
from ._post_processing import PostProcessing
from ._routing import LogtoRoute
from ._settings import Settings
from ._static_documents import StaticDocuments
from ._tenant import Tenant
from ._verification_records import IdentifierRecord, MfaRecord

if TYPE_CHECKING:
    from fastapi import FastAPI

Handler = Callable[[Request], Awaitable[Response]]

# The rooms, in the order their routes are matched. Each module exposes ROUTES: [(method, path, handler)];
# their control routes (the stand-ins' presets) are served by the control app.
ROOMS: Sequence[str] = (
    "_discovery",
    "_authorize",
    "_resume",
    "_consent",
    "_token",
    "_userinfo",
    "_session_end",
    "_revocation",
    "_device",
    "_par",
    "_experience",
    "_verification",
    "_verification_new_password",
    "_verification_one_time_token",
    "_identification",
    "_verification_totp",
    "_verification_backup_code",
    "_verification_webauthn",
    "_verification_mfa_code",
    "_mfa",
    "_verification_social",
    "_social_provider",
    "_verification_sso",
    "_sso_provider",
    "_management_sso_connectors",
    "_management_user_identities",
    "_management_users",
    "_management_user_passwords",
    "_management_user_mfa",
    "_management_user_logto_configs",
    "_management_roles",
    "_management_sign_in_exp",
    "_management_sentinel",
    "_management_resources",
    "_management_applications",
    "_management_role_members",
    "_management_organizations",
    "_management_organization_relations",
    "_management_organization_applications",
    "_management_organization_jit",
    "_management_organization_roles",
    "_management_organization_scopes",
    "_management_organization_invitations",
    "_management_hooks",
    "_management_connectors",
    "_management_one_time_tokens",
    "_management_password_expiration",
    "_pages_sso",  # before _pages: /direct/sso/… is more specific than any /direct/… page
    "_pages",
    "_pages_continue",
    "_pages_mfa",
    "_pages_social",
    "_pages_webauthn",
)
# The control API's rooms (FastAPI handlers, pydantic bodies): imported when the control app is built.
CONTROL_ROOMS: Sequence[str] = ("_control", "_hooks_control", "_mfa_control", "_faults_control", "_debug")
TITLE, VERSION = "fake_logto", "0.1.0"
DESCRIPTION = (
    "A local Logto tenant: OIDC issuer, sign-in experience and Experience API, and a test control API "
    "under /__harness/."
)


def _identifier_records(interaction: Any) -> list[IdentifierRecord]:
    return [v for v in interaction.verifications.values() if not isinstance(v, MfaRecord)]


def create_tenant(settings: Settings, config: TenantConfig | None = None, port: int | None = None) -> Tenant:
    config = config or load_config(settings.config or None)
    keys = SigningKey.from_file(settings.keys_file) if settings.keys_file else SigningKey.generate()
    endpoint = config.public_endpoint(settings.endpoint, port or settings.port)
    return Tenant(
        config=config,
        clock=settings.clock,
        keys=keys,
        endpoint=endpoint,
        internal_url=settings.internal_url.rstrip("/"),
    )


async def _invalid_input(request: Request, _details: str) -> Response:
    """Input FastAPI itself rejects outside ``/__harness`` (malformed JSON, a bad query value): Logto's
    ``guard.invalid_input`` (``packages/core/src/middleware/koa-guard.ts``) — never FastAPI's 422."""
    return await _errors.handle_logto(request, _errors.LogtoError("guard.invalid_input", 400))


_ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def _unrecognized(request: Request) -> Response:
    """A path or method below ``/oidc`` that no route serves (``ctx.path`` is the provider's: below /oidc)."""
    below = request.url.path.removeprefix(paths.OIDC) or "/"
    error = _errors.OAuthError(
        "invalid_request", f"unrecognized route or not allowed method ({request.method} on {below})", 404
    )
    return await _errors.handle_oauth(request, error)


# The interaction steps the debug view shows, by route (GET /api/experience/interaction is left out).
_STEPS = {
    ("PUT", paths.EXPERIENCE): "start",
    ("PUT", paths.EXPERIENCE_EVENT): "switch event",
    ("POST", paths.EXPERIENCE_CODE_SEND): "send code",
    ("POST", paths.EXPERIENCE_CODE_VERIFY): "verify code",
    ("POST", paths.EXPERIENCE_PASSWORD_VERIFY): "verify password",
    ("POST", paths.EXPERIENCE_NEW_PASSWORD_IDENTITY): "new password identity",
    ("POST", paths.EXPERIENCE_IDENTIFICATION): "identify",
    ("POST", paths.EXPERIENCE_PROFILE): "add profile",
    ("PUT", paths.EXPERIENCE_PROFILE_PASSWORD): "set new password",
    ("POST", paths.EXPERIENCE_SUBMIT): "submit",
}


def _recorded(tenant: Tenant, step: str, handler: Handler) -> Handler:
    """Record a successful Experience API step in the debug log (failures are recorded as errors)."""

    @functools.wraps(handler)
    async def wrapped(request: Request) -> Response:
        uid = request.cookies.get(paths.INTERACTION_COOKIE)
        response = await handler(request)
        interaction = tenant.store.interactions.get(uid or "")
        email = None
        event = None
        if interaction is not None:
            event = interaction.event
            user = tenant.store.users.get(interaction.user_id or "")
            email = (
                user.primary_email
                if user
                else next(
                    (v.value for v in _identifier_records(interaction) if v.identifier_type == "email"),
                    None,
                )
            )
        tenant.events.record(
            "interaction", flow=uid, client_id=interaction.client_id if interaction else None, email=email,
            step=step, interaction_event=event, status=response.status_code,
        )  # fmt: skip
        return response

    return wrapped


Routes = Sequence[tuple[str, str, Callable[..., Any]]]

# Where FastAPI answers (besides the control API): its generated document and pages (FastAPI's defaults).
_FASTAPI_PAGES = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"})


def _wrapped(tenant: Tenant, method: str, path: str, handler: Handler) -> Handler:
    step = _STEPS.get((method, path))
    if path.startswith(paths.EXPERIENCE):
        handler = _hooks.with_hooks(tenant, handler)
    elif _data_hooks.is_management(path):
        handler = _data_hooks.with_data_hooks(tenant, method, path, handler)
    if step is not None:
        handler = _recorded(tenant, step, handler)
    return handler


class App(Starlette):
    """fake_logto's ASGI app: the Logto-compatible routes on a plain Starlette router; the control API
    (``/__harness``, with the routes added by the caller), FastAPI's ``/openapi.json`` and its pages on a
    FastAPI app built on the first request for one of those (:class:`fakekit.DeferredApp`), so that the
    start imports neither FastAPI nor pydantic (issue 20). Any other path or method is answered by the
    router as the one FastAPI app that served everything before answered it."""

    def __init__(
        self,
        tenant: Tenant,
        settings: Settings,
        logto: list[BaseRoute],
        control: list[tuple[str, str, Handler]],
        added: Routes,
    ) -> None:
        super().__init__(
            routes=logto,
            exception_handlers={
                _errors.OAuthError: _errors.handle_oauth,
                _errors.LogtoError: _errors.handle_logto,
                ControlError: handle_control_error,  # the social stand-in's refusals
                HTTPException: http_error_as_fastapi,  # 404, 405; a form that cannot be parsed
            },
        )
        self.state.tenant = tenant
        self.state.settings = settings  # dev_mode (the Management API guard), mock_connector_dir
        self._control_routes, self._added_routes = control, added
        self.deferred = DeferredApp(self._build_control_app)
        self.router.default = self._elsewhere
        # Innermost first. Fault injection inside CORS: a faulted answer carries its headers. Post-processing:
        # ETag, security headers, compression. Outermost, discovery, JWKS and sign-in-exp as kept bytes.
        self.add_middleware(FaultInjection, tenant=tenant)
        self.add_middleware(Cors, routes=self.router.routes)
        self.add_middleware(PostProcessing)
        self.add_middleware(StaticDocuments, tenant=tenant)

    async def _elsewhere(self, scope: Scope, receive: Receive, send: Send) -> None:
        """What no Logto route matched: the control API and FastAPI's pages, or Starlette's 404."""
        path: str = scope.get("path", "")
        # Any path the control prefix begins (``/__harnessing`` too): its 404 is a control error.
        if path.startswith(paths.CONTROL) or path.removesuffix("/") in _FASTAPI_PAGES:
            await self.deferred(scope, receive, send)
        else:
            await self.router.not_found(scope, receive, send)

    def _build_control_app(self) -> FastAPI:
        from fastapi import FastAPI

        from fakekit import install_control_errors

        from . import _openapi

        app = FastAPI(title=TITLE, version=VERSION, description=DESCRIPTION)
        app.state = self.state  # the handlers read the tenant and settings from request.app.state
        tenant: Tenant = self.state.tenant
        routes = list(self._control_routes)
        for room in CONTROL_ROOMS:
            module: Any = importlib.import_module(f"fake_logto.{room}")
            routes += [(m, p, _wrapped(tenant, m, p, h)) for m, p, h in module.ROUTES]
        routes += self._added_routes
        for method, path, handler in routes:
            app.add_api_route(path, handler, methods=[method])
        app.add_exception_handler(_errors.OAuthError, _errors.handle_oauth)
        app.add_exception_handler(_errors.LogtoError, _errors.handle_logto)
        install_control_errors(app, paths.CONTROL, _invalid_input)
        _openapi.install(app, self.router.routes)
        return app

    def control_app(self) -> FastAPI:
        """The FastAPI part, built now if no request built it yet (for in-process callers)."""
        return cast("FastAPI", self.deferred.build_now())

    def openapi(self) -> dict[str, Any]:
        """The document ``/openapi.json`` serves (:mod:`._openapi`)."""
        return self.control_app().openapi()


def _control_path(path: str) -> bool:
    return path.startswith(paths.CONTROL + "/")


def create_app(settings: Settings | None = None, *, tenant: Tenant | None = None, routes: Routes = ()) -> App:
    """The ASGI app; ``routes`` (``(method, path, handler)``, control paths only) are served too: what the
    harness adds on top of the fake (``POST /__harness/sign-in``) without this package importing it."""
    for _method, path, _handler in routes:
        if not _control_path(path):
            raise ValueError(f"an added route must be a control path (under {paths.CONTROL}/): {path}")
    settings = settings or Settings()
    tenant = tenant or create_tenant(settings)
    logto: list[BaseRoute] = []
    control: list[tuple[str, str, Handler]] = []
    for room in ROOMS:
        module: Any = importlib.import_module(f"fake_logto.{room}")
        for method, path, handler in module.ROUTES:
            handler = _wrapped(tenant, method, path, handler)
            if _control_path(path):
                control.append((method, path, handler))
            else:
                logto.append(LogtoRoute(path, handler, method))
    # Last, so a known path with another method lands here too (a full match beats Starlette's 405).
    for path in (paths.OIDC, paths.OIDC + "/{rest:path}"):
        logto.append(Route(path, _unrecognized, methods=_ALL_METHODS))
    return App(tenant, settings, logto, control, routes)

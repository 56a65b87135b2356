"""Server-rendered pages (Jinja2): errors, the sign-out confirm and success pages, and the sign-in UI
routes the authorization endpoint redirects to (``packages/experience/src/App.tsx``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from . import _paths

_env = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")), autoescape=select_autoescape(["html"])
)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    tenant = request.app.state.tenant
    page = _env.get_template(template).render(tenant=tenant, request=request, **context)
    return HTMLResponse(page, status_code=status)


def error_page(request: Request, error: str, description: str, status: int = 400) -> HTMLResponse:
    return render(request, "error.html", {"error": error, "description": description}, status)


def _experience_page(flow: str) -> Any:
    async def page(request: Request) -> Response:
        tenant = request.app.state.tenant
        app = tenant.config.application(request.query_params.get("app_id", ""))
        return render(request, "experience.html", {"flow": flow, "app": app})

    page.__name__ = f"{flow.replace('-', '_')}_page"
    return page


async def unknown_session(request: Request) -> Response:
    return render(request, "unknown_session.html", {}, 200)


ROUTES = [
    ("GET", _paths.SIGN_IN, _experience_page("sign-in")),
    ("GET", _paths.REGISTER, _experience_page("register")),
    ("GET", _paths.RESET_PASSWORD, _experience_page("forgot-password")),
    ("GET", _paths.UNKNOWN_SESSION, unknown_session),
]

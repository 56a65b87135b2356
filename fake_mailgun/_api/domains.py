"""The v3/v4 domains API: every configured sending domain, always active and verified."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import paths
from .._state import State
from .common import Route, query_int


class Domain(BaseModel):
    created_at: str
    id: str
    is_disabled: bool
    name: str
    require_tls: bool
    skip_verification: bool
    smtp_login: str
    spam_action: str
    state: str
    type: str
    web_prefix: str
    web_scheme: str
    wildcard: bool


class DomainList(BaseModel):
    items: list[Domain]
    total_count: int


class DomainDetail(BaseModel):
    domain: Domain
    receiving_dns_records: list[dict[str, Any]]
    sending_dns_records: list[dict[str, Any]]


def _domain_json(name: str) -> dict[str, Any]:
    return {
        "created_at": format_datetime(datetime.fromtimestamp(0, UTC), usegmt=True),
        "id": name.replace(".", "-"),
        "is_disabled": False,
        "name": name,
        "require_tls": False,
        "skip_verification": False,
        "smtp_login": f"postmaster@{name}",
        "spam_action": "disabled",
        "state": "active",
        "type": "custom",
        "web_prefix": "email",
        "web_scheme": "http",
        "wildcard": False,
    }


async def list_domains(request: Request, state: State, _domain: str) -> Response:
    skip = query_int(request, "skip", 0)
    limit = query_int(request, "limit", 100)
    names = list(state.settings.domains)
    return JSONResponse(
        {"items": [_domain_json(d) for d in names[skip : skip + limit]], "total_count": len(names)}
    )


async def get_domain(request: Request, state: State, domain: str) -> Response:
    return JSONResponse(
        {"domain": _domain_json(domain), "receiving_dns_records": [], "sending_dns_records": []}
    )


ROUTES = [
    Route("GET", paths.DOMAINS_V3, list_domains, "List domains (v3)", DomainList, query=("skip", "limit")),
    Route("GET", paths.DOMAIN_V3, get_domain, "One domain (v3)", DomainDetail),
    Route("GET", paths.DOMAINS_V4, list_domains, "List domains (v4)", DomainList, query=("skip", "limit")),
    Route("GET", paths.DOMAIN_V4, get_domain, "One domain (v4)", DomainDetail),
]

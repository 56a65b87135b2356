"""The templates API (``api-templates.rst``): templates and their versions, stored by :mod:`.._templates`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import paths
from .._errors import bad_request
from .._sending import Form
from .._state import State
from .._templates import Template, Version, check_syntax
from .common import Route, base_url, form_value, is_yes, query_int, read_form
from .models import Paging


class VersionBody(BaseModel):
    tag: str
    engine: str
    mjml: str
    createdAt: str
    comment: str
    active: bool
    id: str
    headers: dict[str, str] | None = None
    template: str | None = None


class TemplateBody(BaseModel):
    createdAt: str
    createdBy: str
    description: str
    name: str
    id: str
    version: VersionBody | None = None
    versions: list[VersionBody] | None = None


class TemplateName(BaseModel):
    name: str
    version: dict[str, str] | None = None


class TemplateAnswer(BaseModel):
    template: TemplateBody


class TemplateStored(BaseModel):
    template: TemplateBody
    message: str


class TemplateChanged(BaseModel):
    template: TemplateName
    message: str


class TemplateList(BaseModel):
    items: list[TemplateBody]
    paging: Paging


class VersionList(BaseModel):
    template: TemplateBody
    paging: Paging


class Notice(BaseModel):
    message: str


_HEADERS = ("From", "Subject", "Reply-To")


def _version_from(form: Form, state: State, *, tag_default: str) -> Version | None:
    body = form_value(form, "template")
    if not body:
        return None
    check_syntax(body)
    headers: dict[str, str] = {}
    if form_value(form, "headers"):
        try:
            parsed = json.loads(form_value(form, "headers"))
        except ValueError as exc:
            raise bad_request("headers: invalid JSON") from exc
        if not isinstance(parsed, dict):
            raise bad_request("headers: invalid JSON")
        headers = {str(k): str(v) for k, v in parsed.items() if k in _HEADERS}
    return Version(
        tag=form_value(form, "tag", tag_default) or tag_default,
        template=body,
        engine=form_value(form, "engine", "handlebars") or "handlebars",
        comment=form_value(form, "comment"),
        created_at=state.now(),
        headers=headers,
    )


def _name(request: Request) -> str:
    return str(request.path_params["name"])


def _template(request: Request, state: State, domain: str) -> Template:
    return state.templates.get(domain, _name(request))


def _paging_urls(request: Request, state: State, path: str, names: list[str]) -> dict[str, str]:
    base = f"{base_url(request, state)}{path}"
    last = names[-1] if names else ""
    first = names[0] if names else ""
    return {
        "first": f"{base}?limit=10",
        "last": f"{base}?page=last&limit=10",
        "next": f"{base}?page=next&p={last}&limit=10",
        "previous": f"{base}?page=previous&p={first}&limit=10",
    }


Page = Callable[[list[Template], str, int], list[Template]]
_PAGES: dict[str, Page] = {  # ?page= → the templates that page starts from (before the limit)
    "next": lambda items, pivot, _limit: [t for t in items if t.name > pivot] if pivot else items,
    "previous": lambda items, pivot, limit: [t for t in items if t.name < pivot][-limit:] if pivot else items,
    "last": lambda items, _pivot, limit: items[-limit:],
}


async def create_template(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    version = _version_from(form, state, tag_default="initial")
    template = state.templates.create(
        domain,
        name=form_value(form, "name"),
        description=form_value(form, "description"),
        version=version,
        now=state.now(),
    )
    return JSONResponse(
        {"template": template.to_json(version=version), "message": "template has been stored"}
    )


async def list_templates(request: Request, state: State, domain: str) -> Response:
    limit = query_int(request, "limit", 100)
    page, pivot = request.query_params.get("page", ""), request.query_params.get("p", "")
    items = state.templates.list(domain)
    names = [t.name for t in items]
    chosen = _PAGES.get(page)
    if chosen is not None:
        items = chosen(items, pivot, limit)
    items = items[:limit]
    path = paths.TEMPLATES.format(domain=domain)
    return JSONResponse(
        {
            "items": [t.to_json(version=t.active, with_body=False) for t in items],
            "paging": _paging_urls(request, state, path, [t.name for t in items] or names[-1:]),
        }
    )


async def get_template(request: Request, state: State, domain: str) -> Response:
    template = _template(request, state, domain)
    active = is_yes(request.query_params.get("active", ""))
    return JSONResponse({"template": template.to_json(version=template.active if active else None)})


async def update_template(request: Request, state: State, domain: str) -> Response:
    template = _template(request, state, domain)
    form = await read_form(request)
    state.templates.describe(template, form_value(form, "description", template.description))
    return JSONResponse({"message": "template has been updated", "template": {"name": template.name}})


async def delete_template(request: Request, state: State, domain: str) -> Response:
    template = state.templates.delete(domain, _name(request))
    return JSONResponse({"template": {"name": template.name}, "message": "template has been deleted"})


async def delete_templates(request: Request, state: State, domain: str) -> Response:
    state.templates.delete_all(domain)
    return JSONResponse({"message": "templates have been deleted"})


async def create_version(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    version = _version_from(form, state, tag_default="")
    if version is None:
        raise bad_request("template: Missing mandatory parameter")
    if not version.tag:
        raise bad_request("tag: Missing mandatory parameter")
    active = is_yes(form_value(form, "active"))
    template = state.templates.add_version(domain, _name(request), version, activate=active)
    return JSONResponse(
        {
            "template": template.to_json(version=version),
            "message": "new version of the template has been stored",
        }
    )


async def list_versions(request: Request, state: State, domain: str) -> Response:
    template = _template(request, state, domain)
    body: dict[str, Any] = template.to_json()
    body["versions"] = [v.to_json(with_body=False) for v in template.versions.values()]
    path = paths.TEMPLATE_VERSIONS.format(domain=domain, name=template.name)
    return JSONResponse(
        {"template": body, "paging": _paging_urls(request, state, path, list(template.versions))}
    )


async def get_version(request: Request, state: State, domain: str) -> Response:
    template = _template(request, state, domain)
    version = state.templates.version(domain, template.name, str(request.path_params["tag"]))
    return JSONResponse({"template": template.to_json(version=version)})


async def update_version(request: Request, state: State, domain: str) -> Response:
    tag = str(request.path_params["tag"])
    template = _template(request, state, domain)
    version = state.templates.version(domain, template.name, tag)
    form = await read_form(request)
    body = form_value(form, "template")
    state.templates.revise(
        version, template=body or None, comment=form_value(form, "comment", version.comment)
    )
    if is_yes(form_value(form, "active")):
        state.templates.activate(template, tag)
    return JSONResponse(
        {"message": "version has been updated", "template": {"name": template.name, "version": {"tag": tag}}}
    )


async def delete_version(request: Request, state: State, domain: str) -> Response:
    tag = str(request.path_params["tag"])
    template = _template(request, state, domain)
    state.templates.delete_version(template, tag)
    return JSONResponse(
        {"template": {"name": template.name, "version": {"tag": tag}}, "message": "version has been deleted"}
    )


_VERSION_FIELDS = ("template", "tag", "engine", "comment", "headers", "active")
ROUTES = [
    Route(
        "POST",
        paths.TEMPLATES,
        create_template,
        "Store a template",
        TemplateStored,
        form=("name", "description", *_VERSION_FIELDS),
    ),
    Route(
        "GET", paths.TEMPLATES, list_templates, "List templates", TemplateList, query=("limit", "page", "p")
    ),
    Route("DELETE", paths.TEMPLATES, delete_templates, "Delete every template", Notice),
    Route(
        "GET",
        paths.TEMPLATE,
        get_template,
        "One template (?active=yes for its active version)",
        TemplateAnswer,
        query=("active",),
    ),
    Route(
        "PUT",
        paths.TEMPLATE,
        update_template,
        "Update a template's description",
        TemplateChanged,
        form=("description",),
    ),
    Route("DELETE", paths.TEMPLATE, delete_template, "Delete a template", TemplateChanged),
    Route(
        "POST",
        paths.TEMPLATE_VERSIONS,
        create_version,
        "Store a new version",
        TemplateStored,
        form=_VERSION_FIELDS,
    ),
    Route("GET", paths.TEMPLATE_VERSIONS, list_versions, "List a template's versions", VersionList),
    Route("GET", paths.TEMPLATE_VERSION, get_version, "One version", TemplateAnswer),
    Route(
        "PUT",
        paths.TEMPLATE_VERSION,
        update_version,
        "Update a version",
        TemplateChanged,
        form=("template", "comment", "active"),
    ),
    Route("DELETE", paths.TEMPLATE_VERSION, delete_version, "Delete a version", TemplateChanged),
]

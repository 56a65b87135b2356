"""The Mailgun-compatible HTTP surface: sending, templates, events, domains, webhooks.

One route table (:data:`ROUTES`) maps (method, path) to a handler; every handler gets the request, the
instance state and an authenticated, known domain (see :func:`_guard`). Behaviour follows
``reference/mailgun.md``; anything Mailgun would refuse raises :class:`MailgunError`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import mimetypes
import secrets
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import _events, paths
from ._errors import MailgunError, bad_request, domain_not_found, forbidden, not_found
from ._faults import Target
from ._message import Attachment, CapturedMessage
from ._sending import Form, build_messages, build_mime_message
from ._state import State
from ._templates import Version, check_syntax

MAX_REQUEST_BYTES = int(52.4 * 1024 * 1024)
Handler = Callable[[Request, State, str], Awaitable[Response]]


def _state(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


def _authenticate(request: Request, state: State) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise forbidden()
    try:
        user, _, password = base64.b64decode(encoded.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise forbidden() from exc
    if user != "api" or not secrets.compare_digest(password.encode(), state.settings.api_key.encode()):
        raise forbidden()


def _check_domain(state: State, domain: str) -> None:
    if domain not in state.settings.domains:
        raise domain_not_found(domain)


async def read_form(request: Request) -> Form:
    """The request's form as ordered (key, value) pairs; file parts become :class:`Attachment`."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
        raise MailgunError(413, "request size exceeds 52.4MiB limit", plain=True)
    try:
        data = await request.form(max_files=10_000, max_fields=100_000, max_part_size=MAX_REQUEST_BYTES)
    except Exception as exc:  # starlette raises HTTPException / MultiPartException for broken bodies
        raise bad_request(f"malformed request body: {getattr(exc, 'detail', exc)}") from exc
    form: Form = []
    try:
        for key, value in data.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read()
                form.append(
                    (
                        key,
                        Attachment(
                            filename=value.filename,
                            content_type=value.content_type
                            or mimetypes.guess_type(value.filename or "")[0]
                            or "application/octet-stream",
                            content=content,
                            disposition="attachment",
                        ),
                    )
                )
            else:
                form.append((key, value))
    finally:
        await data.close()  # file parts are spooled temp files: close them, or they leak (ResourceWarning)
    return form


def _form_value(form: Form, key: str, default: str = "") -> str:
    return next((v for k, v in form if k == key and isinstance(v, str)), default)


# --- sending ----------------------------------------------------------------------------------------
async def _apply_fault(state: State, target: Target, domain: str) -> None:
    action = state.faults.take(target)
    if action is None:
        return
    if action.latency_ms:
        await asyncio.sleep(action.latency_ms / 1000)  # injected latency is the feature, not a wait
    error = action.api_error(domain, state.now())
    if error is not None:
        raise error


def deliver(state: State, messages: list[CapturedMessage]) -> None:
    """Store messages and record (and announce) their events; a ``delivery`` fault makes them fail."""
    now = state.now()
    for message in messages:
        failure = state.faults.take_delivery() if message.domain else None
        if failure is not None:
            message.status = "failed"
        state.mailbox.add(message)
        if message.domain is None:
            continue
        for event in _events.items_for(message, now, failure=failure):
            state.mailbox.add_event(event)
            state.webhooks.dispatch(message.domain, event, now)


def _queued(message: CapturedMessage) -> JSONResponse:
    return JSONResponse({"id": f"<{message.parsed.message_id}>", "message": "Queued. Thank you."})


async def send_message(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    await _apply_fault(state, "api", domain)
    messages = build_messages(form, domain=domain, templates=state.templates, now=state.now())
    deliver(state, messages)
    return _queued(messages[0])


async def send_mime(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    await _apply_fault(state, "api", domain)
    message = build_mime_message(form, domain=domain, now=state.now())
    deliver(state, [message])
    return _queued(message)


# --- templates --------------------------------------------------------------------------------------
def _version_from(form: Form, state: State, *, tag_default: str) -> Version | None:
    body = _form_value(form, "template")
    if not body:
        return None
    check_syntax(body)
    headers: dict[str, str] = {}
    if _form_value(form, "headers"):
        import json

        try:
            parsed = json.loads(_form_value(form, "headers"))
        except ValueError as exc:
            raise bad_request("headers: invalid JSON") from exc
        if not isinstance(parsed, dict):
            raise bad_request("headers: invalid JSON")
        headers = {str(k): str(v) for k, v in parsed.items() if k in ("From", "Subject", "Reply-To")}
    return Version(
        tag=_form_value(form, "tag", tag_default) or tag_default,
        template=body,
        engine=_form_value(form, "engine", "handlebars") or "handlebars",
        comment=_form_value(form, "comment"),
        created_at=state.now(),
        headers=headers,
    )


def _template_path_name(request: Request) -> str:
    return str(request.path_params["name"])


async def create_template(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    version = _version_from(form, state, tag_default="initial")
    template = state.templates.create(
        domain,
        name=_form_value(form, "name"),
        description=_form_value(form, "description"),
        version=version,
        now=state.now(),
    )
    return JSONResponse(
        {"template": template.to_json(version=version), "message": "template has been stored"}
    )


def _base_url(request: Request, state: State) -> str:
    return (state.settings.public_url or str(request.base_url)).rstrip("/")


def _paging_urls(request: Request, state: State, path: str, names: list[str]) -> dict[str, str]:
    base = f"{_base_url(request, state)}{path}"
    last = names[-1] if names else ""
    first = names[0] if names else ""
    return {
        "first": f"{base}?limit=10",
        "last": f"{base}?page=last&limit=10",
        "next": f"{base}?page=next&p={last}&limit=10",
        "previous": f"{base}?page=previous&p={first}&limit=10",
    }


async def list_templates(request: Request, state: State, domain: str) -> Response:
    limit = int(request.query_params.get("limit", "100") or 100)
    page, pivot = request.query_params.get("page", ""), request.query_params.get("p", "")
    items = state.templates.list(domain)
    names = [t.name for t in items]
    if page == "next" and pivot:
        items = [t for t in items if t.name > pivot]
    elif page == "previous" and pivot:
        items = [t for t in items if t.name < pivot][-limit:]
    elif page == "last":
        items = items[-limit:]
    items = items[:limit]
    path = paths.TEMPLATES.format(domain=domain)
    return JSONResponse(
        {
            "items": [t.to_json(version=t.active, with_body=False) for t in items],
            "paging": _paging_urls(request, state, path, [t.name for t in items] or names[-1:]),
        }
    )


async def get_template(request: Request, state: State, domain: str) -> Response:
    template = state.templates.get(domain, _template_path_name(request))
    active = request.query_params.get("active", "").lower() in ("yes", "true")
    return JSONResponse({"template": template.to_json(version=template.active if active else None)})


async def update_template(request: Request, state: State, domain: str) -> Response:
    template = state.templates.get(domain, _template_path_name(request))
    form = await read_form(request)
    template.description = _form_value(form, "description", template.description)
    return JSONResponse({"message": "template has been updated", "template": {"name": template.name}})


async def delete_template(request: Request, state: State, domain: str) -> Response:
    template = state.templates.delete(domain, _template_path_name(request))
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
    active = _form_value(form, "active").lower() in ("yes", "true")
    template = state.templates.add_version(domain, _template_path_name(request), version, activate=active)
    return JSONResponse(
        {
            "template": template.to_json(version=version),
            "message": "new version of the template has been stored",
        }
    )


async def list_versions(request: Request, state: State, domain: str) -> Response:
    template = state.templates.get(domain, _template_path_name(request))
    body = template.to_json()
    body["versions"] = [v.to_json(with_body=False) for v in template.versions.values()]
    path = paths.TEMPLATE_VERSIONS.format(domain=domain, name=template.name)
    return JSONResponse(
        {"template": body, "paging": _paging_urls(request, state, path, list(template.versions))}
    )


async def get_version(request: Request, state: State, domain: str) -> Response:
    tag = str(request.path_params["tag"])
    template = state.templates.get(domain, _template_path_name(request))
    version = state.templates.version(domain, template.name, tag)
    return JSONResponse({"template": template.to_json(version=version)})


async def update_version(request: Request, state: State, domain: str) -> Response:
    tag = str(request.path_params["tag"])
    template = state.templates.get(domain, _template_path_name(request))
    version = state.templates.version(domain, template.name, tag)
    form = await read_form(request)
    if _form_value(form, "template"):
        check_syntax(_form_value(form, "template"))
        version.template = _form_value(form, "template")
    version.comment = _form_value(form, "comment", version.comment)
    if _form_value(form, "active").lower() in ("yes", "true"):
        state.templates.activate(template, tag)
    return JSONResponse(
        {"message": "version has been updated", "template": {"name": template.name, "version": {"tag": tag}}}
    )


async def delete_version(request: Request, state: State, domain: str) -> Response:
    tag = str(request.path_params["tag"])
    template = state.templates.get(domain, _template_path_name(request))
    state.templates.delete_version(template, tag)
    return JSONResponse(
        {"template": {"name": template.name, "version": {"tag": tag}}, "message": "version has been deleted"}
    )


# --- events -----------------------------------------------------------------------------------------
def _events_base(request: Request, state: State, domain: str) -> str:
    return f"{_base_url(request, state)}{paths.EVENTS.format(domain=domain)}"


def _domain_events(state: State, domain: str) -> list[dict[str, Any]]:
    return [e for e in state.mailbox.events() if e["storage"]["url"].startswith(f"/v3/domains/{domain}/")]


async def list_events(request: Request, state: State, domain: str) -> Response:
    query = _events.query_from_params(dict(request.query_params))
    return JSONResponse(
        _events.page(_domain_events(state, domain), query, None, _events_base(request, state, domain))
    )


async def events_page(request: Request, state: State, domain: str) -> Response:
    query, cursor = _events.page_from_token(str(request.path_params["page"]))
    return JSONResponse(
        _events.page(_domain_events(state, domain), query, cursor, _events_base(request, state, domain))
    )


# --- domains ----------------------------------------------------------------------------------------
def _domain_json(state: State, name: str) -> dict[str, Any]:
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
    skip = int(request.query_params.get("skip", "0") or 0)
    limit = int(request.query_params.get("limit", "100") or 100)
    names = list(state.settings.domains)
    return JSONResponse(
        {"items": [_domain_json(state, d) for d in names[skip : skip + limit]], "total_count": len(names)}
    )


async def get_domain(request: Request, state: State, domain: str) -> Response:
    return JSONResponse(
        {"domain": _domain_json(state, domain), "receiving_dns_records": [], "sending_dns_records": []}
    )


# --- webhooks ---------------------------------------------------------------------------------------
async def list_webhooks(request: Request, state: State, domain: str) -> Response:
    return JSONResponse({"webhooks": state.webhooks.all(domain)})


def _urls(form: Form) -> list[str]:
    return [v for k, v in form if k == "url" and isinstance(v, str) and v]


async def create_webhook(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    urls = state.webhooks.put(domain, _form_value(form, "id"), _urls(form), create=True)
    return JSONResponse({"message": "Webhook has been created", "webhook": {"urls": urls}})


async def get_webhook(request: Request, state: State, domain: str) -> Response:
    return JSONResponse(
        {"webhook": {"urls": state.webhooks.get(domain, str(request.path_params["webhook_id"]))}}
    )


async def update_webhook(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    urls = state.webhooks.put(domain, str(request.path_params["webhook_id"]), _urls(form), create=False)
    return JSONResponse({"message": "Webhook has been updated", "webhook": {"urls": urls}})


async def delete_webhook(request: Request, state: State, domain: str) -> Response:
    urls = state.webhooks.delete(domain, str(request.path_params["webhook_id"]))
    return JSONResponse({"message": "Webhook has been deleted", "webhook": {"urls": urls}})


ROUTES: list[tuple[str, str, Handler, str]] = [
    ("POST", paths.MESSAGES, send_message, "Send a message (urlencoded or multipart)"),
    ("POST", paths.MESSAGES_MIME, send_mime, "Send a MIME message"),
    ("GET", paths.EVENTS, list_events, "Events, filtered and paged"),
    ("GET", paths.EVENTS_PAGE, events_page, "A page of events by its token"),
    ("POST", paths.TEMPLATES, create_template, "Store a template"),
    ("GET", paths.TEMPLATES, list_templates, "List templates"),
    ("DELETE", paths.TEMPLATES, delete_templates, "Delete every template"),
    ("GET", paths.TEMPLATE, get_template, "One template (?active=yes for its active version)"),
    ("PUT", paths.TEMPLATE, update_template, "Update a template's description"),
    ("DELETE", paths.TEMPLATE, delete_template, "Delete a template"),
    ("POST", paths.TEMPLATE_VERSIONS, create_version, "Store a new version"),
    ("GET", paths.TEMPLATE_VERSIONS, list_versions, "List a template's versions"),
    ("GET", paths.TEMPLATE_VERSION, get_version, "One version"),
    ("PUT", paths.TEMPLATE_VERSION, update_version, "Update a version"),
    ("DELETE", paths.TEMPLATE_VERSION, delete_version, "Delete a version"),
    ("GET", paths.DOMAINS_V3, list_domains, "List domains (v3)"),
    ("GET", paths.DOMAIN_V3, get_domain, "One domain (v3)"),
    ("GET", paths.DOMAINS_V4, list_domains, "List domains (v4)"),
    ("GET", paths.DOMAIN_V4, get_domain, "One domain (v4)"),
    ("GET", paths.WEBHOOKS, list_webhooks, "List webhooks"),
    ("POST", paths.WEBHOOKS, create_webhook, "Create a webhook"),
    ("GET", paths.WEBHOOK, get_webhook, "One webhook"),
    ("PUT", paths.WEBHOOK, update_webhook, "Update a webhook"),
    ("DELETE", paths.WEBHOOK, delete_webhook, "Delete a webhook"),
]


def guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authenticate, check the domain (when the path has one), then run the handler."""

    async def endpoint(request: Request) -> Response:
        state = _state(request)
        _authenticate(request, state)
        domain = str(request.path_params.get("domain", ""))
        if domain:
            _check_domain(state, domain)
        return await handler(request, state, domain)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


__all__ = ["ROUTES", "deliver", "guarded", "not_found"]

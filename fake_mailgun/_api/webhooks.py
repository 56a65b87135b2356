"""The webhooks API: per-domain webhook targets, v3 (one webhook id, up to 3 URLs) and v4 (one URL, many
event types: ``POST``/``PUT``/``DELETE /v4/domains/{domain}/webhooks``, answering every webhook of the
domain, as documentation.mailgun.com's "Domain Webhooks" reference has them). Deliveries are
:mod:`.._webhooks`' job."""

from __future__ import annotations

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import paths
from .._sending import Form
from .._state import State
from .common import Route, form_value, read_form


class Urls(BaseModel):
    urls: list[str]


class WebhookList(BaseModel):
    webhooks: dict[str, Urls]


class WebhookAnswer(BaseModel):
    webhook: Urls


class WebhookChange(BaseModel):
    message: str
    webhook: Urls


def _urls(form: Form) -> list[str]:
    return [v for k, v in form if k == "url" and isinstance(v, str) and v]


def _webhook_id(request: Request) -> str:
    return str(request.path_params["webhook_id"])


async def list_webhooks(request: Request, state: State, domain: str) -> Response:
    return JSONResponse({"webhooks": state.webhooks.all(domain)})


async def create_webhook(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    urls = state.webhooks.put(domain, form_value(form, "id"), _urls(form), create=True)
    return JSONResponse({"message": "Webhook has been created", "webhook": {"urls": urls}})


async def get_webhook(request: Request, state: State, domain: str) -> Response:
    return JSONResponse({"webhook": {"urls": state.webhooks.get(domain, _webhook_id(request))}})


async def update_webhook(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    urls = state.webhooks.put(domain, _webhook_id(request), _urls(form), create=False)
    return JSONResponse({"message": "Webhook has been updated", "webhook": {"urls": urls}})


async def delete_webhook(request: Request, state: State, domain: str) -> Response:
    urls = state.webhooks.delete(domain, _webhook_id(request))
    return JSONResponse({"message": "Webhook has been deleted", "webhook": {"urls": urls}})


async def create_v4(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    ids = [v for k, v in form if k == "event_types" and isinstance(v, str)]
    return JSONResponse(
        {"webhooks": state.webhooks.associate(domain, form_value(form, "url"), ids, only=False)}
    )


async def update_v4(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    ids = [v for k, v in form if k == "event_types" and isinstance(v, str)]
    return JSONResponse(
        {"webhooks": state.webhooks.associate(domain, form_value(form, "url"), ids, only=True)}
    )


async def delete_v4(request: Request, state: State, domain: str) -> Response:
    urls = [u for u in request.query_params.getlist("url") if u]
    return JSONResponse({"webhooks": state.webhooks.dissociate(domain, urls)})


ROUTES = [
    Route("GET", paths.WEBHOOKS, list_webhooks, "List webhooks", WebhookList),
    Route("POST", paths.WEBHOOKS, create_webhook, "Create a webhook", WebhookChange, form=("id", "url")),
    Route("GET", paths.WEBHOOK, get_webhook, "One webhook", WebhookAnswer),
    Route("PUT", paths.WEBHOOK, update_webhook, "Update a webhook", WebhookChange, form=("url",)),
    Route("DELETE", paths.WEBHOOK, delete_webhook, "Delete a webhook", WebhookChange),
    Route(
        "POST",
        paths.WEBHOOKS_V4,
        create_v4,
        "Add a URL to event types (v4)",
        WebhookList,
        form=("url", "event_types"),
    ),
    Route(
        "PUT",
        paths.WEBHOOKS_V4,
        update_v4,
        "Set a URL's event types (v4)",
        WebhookList,
        form=("url", "event_types"),
    ),
    Route(
        "DELETE",
        paths.WEBHOOKS_V4,
        delete_v4,
        "Remove URLs from every event type (v4)",
        WebhookList,
        query=("url",),
    ),
]

"""The suppressions API: ``/v3/{domain}/bounces``, ``unsubscribes``, ``complaints`` and ``whitelists``.

Bodies and texts as ``api-suppressions.rst`` (mailgun/documentation) writes them; a single record is added
from a form (``address``, ``code``, ``error``, ``tag``, ``created_at``; for whitelists ``address`` or
``domain`` and ``reason``), several from a JSON list (``Content-Type: application/json``, up to 1000: what
mailgun.js ``suppressions.create`` and the Python SDK send). Whitelists take one record at a time (as
mailgun.js enforces). The lists themselves are :mod:`.._suppressions`.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from .. import paths
from .._errors import bad_request
from .._state import State
from .._suppressions import DEFAULT_LIMIT, KINDS, Kind, check_address, parse_created_at
from .common import Route, base_url, form_value, query_int, read_form
from .models import Paging

MAX_RECORDS = 1000
_NOUN: dict[Kind, str] = {
    "bounces": "bounces",
    "unsubscribes": "unsubscribes",
    "complaints": "complaints",
    "whitelists": "whitelists",
}
_DELETED_ONE: dict[Kind, str] = {
    "bounces": "Bounced address has been removed",
    "unsubscribes": "Unsubscribe event has been removed",
    "complaints": "Spam complaint has been removed",
    "whitelists": "Whitelist address/domain has been removed",
}
_DELETED_ALL: dict[Kind, str] = {
    "bounces": "Bounced addresses for this domain have been removed",
    "unsubscribes": "Unsubscribe addresses for this domain have been removed",
    "complaints": "Complaint addresses for this domain have been removed",
    "whitelists": "Whitelist addresses/domains for this domain have been removed",
}


class SuppressionPage(BaseModel):
    items: list[dict[str, Any]]
    paging: Paging


class Added(BaseModel):
    message: str
    address: str | None = None


class Answer(BaseModel):
    message: str


class Record(BaseModel):
    """A bounce ``{address, code, error, created_at}``, an unsubscribe ``{address, tags, created_at}``, a
    complaint ``{address, created_at}`` or a whitelist record ``{value, reason, type, createdAt}``."""

    model_config = {"extra": "allow"}


def _kind(request: Request) -> Kind:
    kind = request.url.path.split("/")[3]
    assert kind in KINDS  # the routes are registered per kind
    return kind


def _record(kind: Kind, fields: dict[str, Any], now: float) -> dict[str, Any]:
    """One record to store, from a form or a JSON object; Mailgun's 400 for a bad one."""
    address = check_address(str(fields.get("address") or ""))
    created = parse_created_at(str(fields.get("created_at") or ""), now)
    if kind == "bounces":
        code = str(fields.get("code") or "550")
        if not code.isdigit():
            raise bad_request(f"Invalid format for parameter code: {code}")
        return {
            "address": address,
            "code": code,
            "error": str(fields.get("error") or ""),
            "created_at": created,
        }
    if kind == "unsubscribes":
        tags = fields.get("tags")
        if tags is None:
            tags = [fields.get("tag") or "*"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
            raise bad_request("Invalid format for parameter tags: must be a list of strings")
        return {"address": address, "tags": tags, "created_at": created}
    return {"address": address, "created_at": created}


async def _json_list(request: Request) -> list[dict[str, Any]]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise bad_request("Invalid json: the body is not valid JSON") from None
    if isinstance(body, dict):  # one record as a JSON object: what the Python SDK's examples send
        body = [body]
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise bad_request("Invalid json: expected a list of objects")
    if len(body) > MAX_RECORDS:
        raise bad_request(f"Too many records, max is {MAX_RECORDS}")
    return body


async def list_records(request: Request, state: State, domain: str) -> Response:
    kind = _kind(request)
    query = request.query_params
    base = f"{base_url(request, state)}/v3/{domain}/{kind}"
    return JSONResponse(
        state.suppressions.page(
            domain,
            kind,
            page=query.get("page", ""),
            pivot=query.get("address", ""),
            limit=query_int(request, "limit", DEFAULT_LIMIT),
            term=query.get("term", ""),
            base=base,
        )
    )


async def get_record(request: Request, state: State, domain: str) -> Response:
    return JSONResponse(state.suppressions.get(domain, _kind(request), str(request.path_params["address"])))


async def _add_whitelist(request: Request, state: State, domain: str) -> Response:
    form = await read_form(request)
    address, whole_domain = form_value(form, "address"), form_value(form, "domain")
    if bool(address) == bool(whole_domain):
        raise bad_request("Either 'address' or 'domain' parameter must be provided")
    if address:
        value, kind_of = check_address(address), "address"
    else:
        value, kind_of = whole_domain.strip(), "domain"
        if "." not in value or "@" in value or any(c.isspace() for c in value):
            raise bad_request(f"Invalid format for parameter domain: {whole_domain}")
    record = {
        "value": value,
        "type": kind_of,
        "reason": form_value(form, "reason"),
        "created_at": state.now(),
    }
    state.suppressions.add(domain, "whitelists", record)
    message = "Address/Domain has been added to the whitelists table"
    return JSONResponse({"message": message, "type": kind_of, "value": value})


async def add_records(request: Request, state: State, domain: str) -> Response:
    kind = _kind(request)
    if kind == "whitelists":
        return await _add_whitelist(request, state, domain)
    now, noun = state.now(), _NOUN[kind]
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == "application/json":
        records = [_record(kind, item, now) for item in await _json_list(request)]
        for record in records:
            state.suppressions.add(domain, kind, record)
        what = "complaint addresses" if kind == "complaints" else "addresses"
        return JSONResponse({"message": f"{len(records)} {what} have been added to the {noun} table"})
    form = await read_form(request)
    fields = {k: v for k, v in form if isinstance(v, str)}
    record = _record(kind, fields, now)
    state.suppressions.add(domain, kind, record)
    return JSONResponse(
        {"message": f"Address has been added to the {noun} table", "address": record["address"]}
    )


async def delete_record(request: Request, state: State, domain: str) -> Response:
    kind, address = _kind(request), str(request.path_params["address"])
    state.suppressions.delete(domain, kind, address, request.query_params.get("tag", ""))
    body: dict[str, Any] = {"message": _DELETED_ONE[kind]}
    if kind == "whitelists":
        body["value"] = address
    return JSONResponse(body)


async def delete_all(request: Request, state: State, domain: str) -> Response:
    kind = _kind(request)
    state.suppressions.clear(domain, kind)
    return JSONResponse({"message": _DELETED_ALL[kind]})


def _routes(kind: Kind) -> list[Route]:
    many = paths.SUPPRESSIONS.replace("{kind}", kind)
    one = paths.SUPPRESSION.replace("{kind}", kind)
    form = (
        ("address", "domain", "reason")
        if kind == "whitelists"
        else ("address", "code", "error", "tag", "created_at")
    )
    return [
        Route(
            "GET",
            many,
            list_records,
            f"List {kind}",
            SuppressionPage,
            query=("limit", "page", "address", "term"),
        ),
        Route("POST", many, add_records, f"Add to {kind} (a form, or a JSON list)", Added, form=form),
        Route("DELETE", many, delete_all, f"Clear the {kind}", Answer),
        Route("GET", one, get_record, f"One of the {kind}", Record),
        Route("DELETE", one, delete_record, f"Remove one of the {kind}", Answer, query=("tag",)),
    ]


ROUTES = [route for kind in KINDS for route in _routes(kind)]

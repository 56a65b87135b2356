"""What every Mailgun API handler shares: the route record, authentication, the domain check, the form.

A :class:`Route` says what an operation is (method, path, handler) and what it answers (its 2xx body as a
pydantic model, documentation only: handlers return their JSON as Mailgun writes it). Nothing here loads
pydantic or FastAPI: the sends use it from the light front at start.
"""

from __future__ import annotations

import base64
import binascii
import mimetypes
import re
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from .._errors import MailgunError, bad_request, domain_not_found, forbidden
from .._message import Attachment
from .._sending import Form
from .._state import State

if TYPE_CHECKING:  # documentation only: the models load with the documented app (.routes)
    from pydantic import BaseModel

MAX_REQUEST_BYTES = int(52.4 * 1024 * 1024)
Handler = Callable[[Request, State, str], Awaitable[Response]]


@dataclass(frozen=True)
class Route:
    """One operation of the Mailgun surface: ``handler`` answers ``method path``; ``body`` is its 2xx
    answer, ``query`` the query parameters it reads, ``form`` its form fields (all for the docs)."""

    method: str
    path: str
    handler: Handler
    summary: str
    body: type[BaseModel]
    query: Sequence[str] = ()
    form: Sequence[str] = ()
    sends: bool = False  # a send: faults may answer for it (any 4xx/5xx status)


def state_of(request: Request) -> State:
    state: State = request.app.state.fake_mailgun
    return state


def guarded(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Authenticate, check the domain (when the path has one), then run the handler."""

    async def endpoint(request: Request) -> Response:
        state = state_of(request)
        authenticate(request, state)
        domain = str(request.path_params.get("domain", ""))
        if domain:
            check_domain(state, domain)
        return await handler(request, state, domain)

    endpoint.__name__ = handler.__name__
    endpoint.__doc__ = handler.__doc__
    return endpoint


def authenticate(request: Request, state: State) -> None:
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


def check_domain(state: State, domain: str) -> None:
    if domain not in state.settings.domains:
        raise domain_not_found(domain)


MAX_FIELDS = 100_000
URLENCODED = "application/x-www-form-urlencoded"
# A urlencoded body of unreserved characters, escapes and separators only: every field ``name=value``.
_PLAIN_URLENCODED = re.compile(
    rb"[A-Za-z0-9%+._~*-]*=[A-Za-z0-9%+._~*=-]*(?:&[A-Za-z0-9%+._~*-]*=[A-Za-z0-9%+._~*=-]*)*"
)


def _plain_urlencoded(body: bytes) -> Form | None:
    """The fields of a plain urlencoded body, as starlette's form parser reads them (python-multipart's
    querystring parser, then ``unquote_plus`` of the Latin-1 text); None for any other body, which goes
    to that parser. Most sends are such a body, and splitting it is a fraction of the parser's cost."""
    if len(body) > MAX_REQUEST_BYTES or not _PLAIN_URLENCODED.fullmatch(body):
        return None
    fields = body.split(b"&")
    if len(fields) > MAX_FIELDS:
        return None
    form: Form = []
    for field in fields:
        name, _, value = field.partition(b"=")
        form.append((unquote_plus(name.decode("latin-1")), unquote_plus(value.decode("latin-1"))))
    return form


async def read_form(request: Request) -> Form:
    """The request's form as ordered (key, value) pairs; file parts become :class:`Attachment`."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
        raise MailgunError(413, "request size exceeds 52.4MiB limit", plain=True)
    if request.headers.get("content-type") == URLENCODED:
        try:
            body = await request.body()
        except Exception as exc:  # as below: a body that cannot be read is a 400
            raise bad_request(f"malformed request body: {getattr(exc, 'detail', exc)}") from exc
        plain = _plain_urlencoded(body)
        if plain is not None:
            return plain
    try:
        data = await request.form(max_files=10_000, max_fields=MAX_FIELDS, max_part_size=MAX_REQUEST_BYTES)
    except Exception as exc:  # starlette raises HTTPException / MultiPartException for broken bodies
        raise bad_request(f"malformed request body: {getattr(exc, 'detail', exc)}") from exc
    form: Form = []
    try:
        for key, value in data.multi_items():
            if isinstance(value, UploadFile):
                content = await value.read()
                content_type = (
                    value.content_type
                    or mimetypes.guess_type(value.filename or "")[0]
                    or "application/octet-stream"
                )
                attachment = Attachment(
                    filename=value.filename,
                    content_type=content_type,
                    content=content,
                    disposition="attachment",
                )
                form.append((key, attachment))
            else:
                form.append((key, value))
    finally:
        await data.close()  # file parts are spooled temp files: close them, or they leak (ResourceWarning)
    return form


def form_value(form: Form, key: str, default: str = "") -> str:
    return next((v for k, v in form if k == key and isinstance(v, str)), default)


def is_yes(value: str) -> bool:
    return value.lower() in ("yes", "true")


def query_int(request: Request, name: str, default: int) -> int:
    """A whole-number query parameter (Mailgun's 400 when it is not one)."""
    text = request.query_params.get(name, "") or str(default)
    try:
        return int(text)
    except ValueError:
        raise bad_request(f"{name}: invalid value {text}") from None


def base_url(request: Request, state: State) -> str:
    return (state.settings.public_url or str(request.base_url)).rstrip("/")

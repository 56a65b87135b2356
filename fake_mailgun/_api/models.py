"""The documented bodies more than one room shares (pydantic, for the OpenAPI document only: handlers
answer their JSON themselves). Their docstrings are the document's descriptions."""

from __future__ import annotations

from pydantic import BaseModel


class Paging(BaseModel):
    """Links to the first, last, next and previous pages."""

    first: str
    last: str
    next: str
    previous: str


class MailgunErrorBody(BaseModel):
    """Mailgun's error body."""

    message: str

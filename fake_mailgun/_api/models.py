"""The documented bodies more than one room shares (pydantic, for the OpenAPI document only: handlers
answer their JSON themselves)."""

from __future__ import annotations

from pydantic import BaseModel


class Paging(BaseModel):
    """Links to the first, last, next and previous pages."""

    first: str
    last: str
    next: str
    previous: str


class MailgunErrorBody(BaseModel):
    """Mailgun's error body (:class:`.._errors.MailgunError`)."""

    message: str

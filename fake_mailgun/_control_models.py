"""The bodies the control API answers, as pydantic models: what ``/openapi.json`` documents.

Documentation only — handlers answer the dicts the records write (:meth:`.._message.CapturedMessage.to_json`
and friends), so a model can never change a body; the OpenAPI test checks that bodies match them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class AttachmentInfo(BaseModel):
    index: int
    filename: str | None
    content_type: str
    size: int = Field(description="bytes")
    disposition: str = Field(description="attachment or inline")
    content_id: str | None
    url: str = Field(description="where its content is served")


class Message(BaseModel):
    """A captured message, whichever door it came in by."""

    id: str = Field(description="the mailbox id (a sequence number); 'latest' works wherever an id does")
    message_id: str = Field(description="the Message-Id, without <>")
    from_: str = Field(alias="from", description="the From header as written")
    to: list[str] = Field(description="bare addresses of the To header")
    cc: list[str]
    bcc: list[str] = Field(description="envelope recipients the headers do not show")
    subject: str
    text: str
    html: str
    headers: dict[str, str] = Field(description="top-level headers, the first of each name")
    source: Literal["api", "smtp", "twilio", "http-sms"]
    received_at: str = Field(description="ISO 8601, UTC")
    codes: list[str] = Field(description="4-8 digit one-time codes, most likely first")
    code: str | None = Field(description="the first of codes")
    links: list[str]
    template: dict[str, Any] | None = Field(description="name, version and variables of an API template send")
    variables: dict[str, Any] = Field(description="v: user variables")
    tags: list[str]
    attachments: list[AttachmentInfo]
    status: Literal["delivered", "failed"]
    size: int = Field(description="bytes of the raw MIME")
    recipients: list[str] = Field(description="every envelope recipient")
    envelope_from: str
    domain: str | None = Field(description="the sending domain (None for SMTP)")
    options: dict[str, Any] = Field(description="o: options")
    defects: list[str] = Field(description="what the MIME parser found wrong")


class MessageList(BaseModel):
    items: list[Message] = Field(description="messages, newest first (full message objects)")
    total: int = Field(description="how many messages match, before the limit")


class Health(BaseModel):
    status: Literal["ok"]
    domains: list[str]


class Deleted(BaseModel):
    deleted: int = Field(description="how many messages were removed")


class Status(BaseModel):
    status: str


class FaultSpec(BaseModel):
    """A fault rule. ``count`` (next N sends) or ``rate`` (a fraction of sends); neither: every send."""

    target: Literal["api", "smtp", "delivery"] = "api"
    status: int | None = Field(
        None,
        description="HTTP status for api (400-599; 401, 429, 500, 503… — a status HTTP does not name needs "
        "a message), SMTP code for smtp/delivery (4xx/5xx)",
    )
    count: int | None = Field(None, ge=1)
    rate: float | None = Field(None, gt=0, le=1)
    latency_ms: int = Field(0, ge=0, le=60_000)
    retry_after: int = Field(0, ge=0, le=86_400, description="Retry-After seconds on a 429")
    message: str | None = Field(None, description="replace the default error text (one line)")
    limit: Literal["request", "recipient", "bytes"] | None = Field(
        None, description="the rate limit a 429/420 names (default: request for 429, recipient for 420)"
    )
    seed: int | None = Field(None, description="seed the random choice of a rate fault")


class Fault(BaseModel):
    id: str
    target: Literal["api", "smtp", "delivery"]
    status: int | None
    count: int | None
    rate: float | None
    latency_ms: int
    retry_after: int
    message: str | None
    limit: Literal["request", "recipient", "bytes"] | None = None
    applied: int = Field(description="how many sends it has answered")
    seed: int | None
    remaining: int | None = Field(description="sends left for a count rule")


class FaultList(BaseModel):
    items: list[Fault]


class WebhookDelivery(BaseModel):
    url: str
    event: str
    status: int | None = Field(description="the target's HTTP status, None when it could not be reached")
    attempt: int = Field(description="1 for the first post, 2 for the first retry, ...")
    error: str | None = None
    retry_at: float | None = Field(None, description="when (clock time) the next retry is due, if one is")


class EventSpec(BaseModel):
    """A later event of a stored message, as the recipient's side would cause it."""

    event: Literal["opened", "clicked", "unsubscribed", "complained", "failed"]
    recipient: str | None = Field(None, description="a recipient of the message (default: its first)")
    url: str = Field("", description="clicked: the link clicked")
    tags: list[str] | None = Field(None, description="unsubscribed: the tags unsubscribed from (default '*')")
    severity: Literal["temporary", "permanent"] = Field("permanent", description="failed: which kind")
    code: int | None = Field(None, ge=400, le=599, description="failed: the SMTP code (550 / 421 by default)")
    message: str = Field("", description="failed: the receiving server's answer")


class Event(BaseModel):
    """The event recorded: the item the events API and the webhook carry (see Mailgun's events API)."""

    model_config = {"extra": "allow"}
    event: str
    id: str
    timestamp: float
    recipient: str


class WebhookDeliveryList(BaseModel):
    items: list[WebhookDelivery]

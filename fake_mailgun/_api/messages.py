"""``POST /v3/{domain}/messages`` and ``messages.mime`` as documented: the route table of the sends, whose
handlers are :mod:`.sends` (light: served at start by the front without this module's model)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from .. import paths
from .common import Route
from .sends import send_message, send_mime


class Queued(BaseModel):
    """What Mailgun answers an accepted send."""

    id: str = Field(description="the Mailgun message id, in angle brackets")
    message: str = Field(description='"Queued. Thank you."')


_SEND_FIELDS = ("from", "to", "cc", "bcc", "subject", "text", "html", "amp-html", "template")
ROUTES = [
    Route(
        "POST",
        paths.MESSAGES,
        send_message,
        "Send a message (urlencoded or multipart)",
        Queued,
        form=_SEND_FIELDS,
        sends=True,
    ),
    Route(
        "POST",
        paths.MESSAGES_MIME,
        send_mime,
        "Send a MIME message",
        Queued,
        form=("to", "message"),
        sends=True,
    ),
]

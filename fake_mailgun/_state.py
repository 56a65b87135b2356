"""Everything one fake_mailgun instance keeps, in one object the app factory creates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._clock import Clock
from ._faults import Faults
from ._settings import Settings
from ._storage import StoredMessages
from ._store import Mailbox
from ._suppressions import Suppressions
from ._templates import Templates
from ._webhooks import Webhooks


@dataclass
class State:
    settings: Settings
    mailbox: Mailbox
    clock: Clock  # the one instance clock: every "later" (deliveries, webhook retries) is a job on it
    templates: Templates = field(default_factory=Templates)
    faults: Faults = field(default_factory=Faults)
    stored: StoredMessages = field(default_factory=StoredMessages)
    suppressions: Suppressions = field(default_factory=Suppressions)
    tag_notes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (domain, tag) → notes
    webhooks: Webhooks = field(init=False)
    # Where this instance answers (public_url, else the bound socket's URL): absolute links made away
    # from a request (storage.url of SMTP mail) start with it. Set by the server once it has bound.
    base_url: str = ""

    def __post_init__(self) -> None:
        self.webhooks = Webhooks(self.settings.signing_key, self.settings.webhooks, self.clock)
        self.base_url = self.settings.public_url.rstrip("/")

    @classmethod
    def create(cls, settings: Settings) -> State:
        clock = Clock(settings.clock)
        return cls(settings=settings, mailbox=Mailbox(clock), clock=clock)

    def now(self) -> float:
        return self.clock.now()

    def reset(self) -> None:
        self.mailbox.reset()
        self.templates.reset()
        self.faults.clear()
        self.webhooks.reset()
        self.stored.reset()
        self.suppressions.reset()
        self.tag_notes.clear()
        self.clock.reset()  # its offset and every job on it: scheduled deliveries, webhook retries

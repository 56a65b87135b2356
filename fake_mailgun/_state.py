"""Everything one fake_mailgun instance keeps, in one object the app factory creates."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ._clock import Clock
from ._faults import Faults
from ._settings import Settings
from ._store import Mailbox
from ._suppressions import Suppressions
from ._templates import Templates
from ._webhooks import Webhooks


@dataclass
class State:
    settings: Settings
    mailbox: Mailbox
    templates: Templates = field(default_factory=Templates)
    faults: Faults = field(default_factory=Faults)
    suppressions: Suppressions = field(default_factory=Suppressions)
    tag_notes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)  # (domain, tag) → notes
    clock: Clock = field(init=False)
    webhooks: Webhooks = field(init=False)

    def __post_init__(self) -> None:
        self.clock = Clock(self.settings.clock)
        self.mailbox.clock = self.clock.now
        self.webhooks = Webhooks(self.settings.signing_key, self.settings.webhooks, self.clock)

    @classmethod
    def create(cls, settings: Settings) -> State:
        return cls(settings=settings, mailbox=Mailbox(settings.clock))

    def now(self) -> float:
        return self.clock.now()

    def reset(self) -> None:
        self.mailbox.reset()
        self.templates.reset()
        self.faults.clear()
        self.webhooks.reset()
        self.suppressions.reset()
        self.tag_notes.clear()
        self.clock.reset()

"""Suppression lists, per sending domain: bounces, unsubscribes, complaints and the bounce whitelist.

Follows Mailgun's suppressions API (``api-suppressions.rst`` of mailgun/documentation, the current reference
at documentation.mailgun.com) and what the official clients read (mailgun.js ``SuppressionsClient`` and its
``Bounce``/``Unsubscribe``/``Complaint``/``WhiteList`` models, mailgun-go ``mtypes``):

- records list in alphabetical order of address, paged by ``?page=first|last|next|previous&address=<pivot>``
  (mailgun.js reads the pivot from ``address``); ``limit`` 1-1000, default 100; ``term`` filters by prefix;
- a bounce is ``{address, code, error, created_at}`` (``code`` a string, ``created_at`` RFC 1123 GMT), an
  unsubscribe ``{address, tags, created_at}`` (``*`` = every mail of the domain), a complaint
  ``{address, created_at}``, a whitelist record ``{value, reason, type, createdAt}``;
- a send to a suppressed address is accepted and then fails permanently before any delivery attempt:
  ``reason`` ``suppress-bounce`` (605), ``suppress-unsubscribe`` (606), ``suppress-complaint`` (607), with the
  descriptions Mailgun writes (``api-events.rst`` "Failed (Permanent)"; 606/607 as Mailgun's webhooks carry
  them); a permanent ``bounce`` failure adds the address to the bounces unless it is whitelisted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Literal
from urllib.parse import urlencode

from ._errors import bad_request, not_found

Kind = Literal["bounces", "unsubscribes", "complaints", "whitelists"]
KINDS: tuple[Kind, ...] = ("bounces", "unsubscribes", "complaints", "whitelists")
MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
ALL_TAGS = "*"


@dataclass(frozen=True)
class Suppressed:
    """Why a recipient is not delivered to: the ``failed`` event's reason and delivery status."""

    reason: str
    code: int
    description: str


# Checked in this order (a bounced address that also unsubscribed fails as a bounce).
BOUNCED = Suppressed("suppress-bounce", 605, "Not delivering to previously bounced address")
UNSUBSCRIBED = Suppressed("suppress-unsubscribe", 606, "Not delivering to unsubscribed address")
COMPLAINED = Suppressed(
    "suppress-complaint", 607, "Not delivering to a user who marked your messages as spam"
)

# The 404 texts Mailgun answers for a record that is not there (``api-suppressions.rst``).
NOT_FOUND: dict[Kind, str] = {
    "bounces": "Address not found in bounces table",
    "unsubscribes": "Address not found in unsubscribers table",
    "complaints": "No spam complaints found for this address",
    "whitelists": "Address/Domain not found in whitelists table",
}


def rfc1123(when: float) -> str:
    return format_datetime(datetime.fromtimestamp(when, UTC), usegmt=True)


def parse_created_at(value: str, now: float) -> float:
    """``created_at`` as sent (RFC 2822, optional: default now); Mailgun's 400 when it does not parse."""
    if not value:
        return now
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError):
        raise bad_request(f"Invalid format for parameter created_at: {value}") from None


def check_address(value: str) -> str:
    """A bare address the lists can hold, or Mailgun's 400."""
    if not value:
        raise bad_request("address: Missing mandatory parameter")
    local, at, domain = value.strip().rpartition("@")
    if not at or not local or "." not in domain or any(c.isspace() for c in value.strip()):
        raise bad_request(f"Invalid format for parameter address: {value}")
    return value.strip()


@dataclass
class _Lists:
    bounces: dict[str, dict[str, Any]] = field(default_factory=dict)
    unsubscribes: dict[str, dict[str, Any]] = field(default_factory=dict)
    complaints: dict[str, dict[str, Any]] = field(default_factory=dict)
    whitelists: dict[str, dict[str, Any]] = field(default_factory=dict)

    def of(self, kind: Kind) -> dict[str, dict[str, Any]]:
        table: dict[Kind, dict[str, dict[str, Any]]] = {
            "bounces": self.bounces,
            "unsubscribes": self.unsubscribes,
            "complaints": self.complaints,
            "whitelists": self.whitelists,
        }
        return table[kind]


def _render(kind: Kind, record: dict[str, Any]) -> dict[str, Any]:
    """A stored record as Mailgun writes it."""
    if kind == "bounces":
        return {
            "address": record["address"],
            "code": record["code"],
            "error": record["error"],
            "created_at": rfc1123(record["created_at"]),
        }
    if kind == "unsubscribes":
        return {
            "address": record["address"],
            "tags": list(record["tags"]),
            "created_at": rfc1123(record["created_at"]),
        }
    if kind == "complaints":
        return {"address": record["address"], "created_at": rfc1123(record["created_at"])}
    created = datetime.fromtimestamp(record["created_at"], UTC).strftime("%a, %d %b %Y %H:%M:%S UTC")
    return {
        "value": record["value"],
        "reason": record["reason"],
        "type": record["type"],
        "createdAt": created,
    }


class Suppressions:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._domains: dict[str, _Lists] = {}

    def _lists(self, domain: str) -> _Lists:
        return self._domains.setdefault(domain, _Lists())

    # --- the suppressions API -----------------------------------------------------------------------
    def get(self, domain: str, kind: Kind, address: str) -> dict[str, Any]:
        with self._lock:
            record = self._lists(domain).of(kind).get(address.strip().lower())
            if record is None:
                raise not_found(NOT_FOUND[kind])
            return _render(kind, record)

    def page(
        self, domain: str, kind: Kind, *, page: str, pivot: str, limit: int, term: str, base: str
    ) -> dict[str, Any]:
        """One page in address order, with Mailgun's ``paging`` links (absolute, on ``base``)."""
        if not 1 <= limit <= MAX_LIMIT:
            raise bad_request(f"limit: must be between 1 and {MAX_LIMIT}")
        if page not in ("", "first", "last", "next", "previous", "prev"):
            raise bad_request(f"Invalid parameter: page {page}")
        with self._lock:
            keyed = sorted(self._lists(domain).of(kind).items())
        keyed = [(k, r) for k, r in keyed if k.startswith(term.lower())]
        pivot = pivot.lower()
        if page == "last":
            chunk = keyed[-limit:]
        elif page == "next":
            chunk = [(k, r) for k, r in keyed if k > pivot][:limit]
        elif page in ("previous", "prev"):
            chunk = [(k, r) for k, r in keyed if k < pivot][-limit:]
        else:
            chunk = keyed[:limit]

        def link(direction: str, address: str | None = None) -> str:
            query = {"page": direction, **({"address": address} if address is not None else {})}
            query["limit"] = str(limit)
            if term:
                query["term"] = term
            return f"{base}?{urlencode(query)}"

        first_key = chunk[0][0] if chunk else pivot
        last_key = chunk[-1][0] if chunk else pivot
        items = [_render(kind, record) for _key, record in chunk]
        return {
            "items": items,
            "paging": {
                "first": link("first"),
                "last": link("last"),
                "next": link("next", last_key),
                "previous": link("previous", first_key),
            },
        }

    def add(self, domain: str, kind: Kind, record: dict[str, Any]) -> None:
        """Add or replace (Mailgun "updates the existing record") one record, keyed by address/value;
        unsubscribes from more tags add up."""
        key = str(record.get("address") or record.get("value")).lower()
        with self._lock:
            table = self._lists(domain).of(kind)
            if kind == "unsubscribes" and key in table:
                tags = list(table[key]["tags"])
                tags.extend(t for t in record["tags"] if t not in tags)
                record = {**record, "tags": tags}
            table[key] = record

    def delete(self, domain: str, kind: Kind, address: str, tag: str = "") -> None:
        key = address.strip().lower()
        with self._lock:
            table = self._lists(domain).of(kind)
            if key not in table:
                raise not_found(NOT_FOUND[kind])
            if kind == "unsubscribes" and tag:
                tags = [t for t in table[key]["tags"] if t != tag]
                if len(tags) == len(table[key]["tags"]):
                    raise not_found("Unsubscribe event for this tag does not exist")
                if tags:
                    table[key] = {**table[key], "tags": tags}
                    return
            del table[key]

    def clear(self, domain: str, kind: Kind) -> None:
        with self._lock:
            self._lists(domain).of(kind).clear()

    def reset(self) -> None:
        with self._lock:
            self._domains.clear()

    # --- what delivery asks -------------------------------------------------------------------------
    def whitelisted(self, domain: str, address: str) -> bool:
        address = address.lower()
        with self._lock:
            table = self._lists(domain).whitelists
            return address in table or address.rpartition("@")[2] in table

    def blocked(self, domain: str, recipients: Iterable[str], tags: Sequence[str]) -> dict[str, Suppressed]:
        """The recipients of a send to ``domain`` (tagged ``tags``) that are suppressed, and why."""
        found: dict[str, Suppressed] = {}
        with self._lock:
            lists = self._lists(domain)
            for recipient in recipients:
                key = recipient.lower()
                unsubscribed = lists.unsubscribes.get(key)
                if key in lists.bounces:
                    found[recipient] = BOUNCED
                elif unsubscribed and (
                    ALL_TAGS in unsubscribed["tags"] or set(tags) & set(unsubscribed["tags"])
                ):
                    found[recipient] = UNSUBSCRIBED
                elif key in lists.complaints:
                    found[recipient] = COMPLAINED
        return found

    def learn(self, domain: str, events: Iterable[dict[str, Any]], now: float) -> None:
        """What events teach the lists: a permanent ``bounce`` adds a bounce (unless whitelisted), a
        ``complained`` a complaint. (An unsubscribe says which tags it is from: its door adds it.)"""
        for event in events:
            recipient = str(event.get("recipient", ""))
            name = event.get("event")
            if name == "failed" and event.get("severity") == "permanent" and event.get("reason") == "bounce":
                if not self.whitelisted(domain, recipient):
                    status = event.get("delivery-status", {})
                    self.add(
                        domain,
                        "bounces",
                        {
                            "address": recipient,
                            "code": str(status.get("code", 550)),
                            "error": str(status.get("message", "")),
                            "created_at": now,
                        },
                    )
            elif name == "complained":
                self.add(domain, "complaints", {"address": recipient, "created_at": now})

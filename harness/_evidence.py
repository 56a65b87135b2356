"""Evidence for a failing test: what the auth flow did, next to pytest-playwright's trace.

Before a test's body runs, the plugin marks where each harness it uses stands (the newest debug event of
fake_logto and the newest message of fake_mailgun's mailbox). Every test of a pytest worker runs alone on
its harnesses, so what comes after the marks is that test's. When the test fails (or always, with
``--harness-evidence=all``) this module reads those events and messages back and writes, in the test's
output folder (pytest-playwright's ``--output``/``<slugified node id>``, the folder its trace goes to):

- ``harness-events.json`` — the debug view's events of the test, oldest first;
- ``messages/<n>.eml`` and ``messages/<n>.json`` — each message received, raw MIME and as the mailbox
  API answers it;
- ``harness.html`` — one page, readable offline, with the events and messages on one timeline.

The failure report gets a ``harness`` section naming the last auth hop (``POST /api/experience/...
→ 400 verification_code.code_mismatch``) and the folder.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

from ._harness import Harness

MODES = ("off", "failed", "all")
EVENTS_FILE = "harness-events.json"
TIMELINE_FILE = "harness.html"
MESSAGES_FOLDER = "messages"
MAX_MESSAGES = 100  # messages read back per test (the mailbox keeps more; a test rarely gets that many)


@dataclass
class Mark:
    """Where one harness stood when the test's body started."""

    harness: Harness
    after_event: int
    after_message: int
    email: str | None = None


@dataclass
class Evidence:
    events: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    raws: dict[str, bytes] = field(default_factory=dict)  # message id → raw MIME


def mark(harness: Harness, email: str | None) -> Mark:
    client = harness.client
    newest_event = client.logto.events(last=1)
    newest_message = client.mailbox.messages(limit=1)
    return Mark(
        harness,
        after_event=int(newest_event[-1]["id"]) if newest_event else 0,
        after_message=int(newest_message[0]["id"]) if newest_message else 0,
        email=email,
    )


def collect(marked: Mark) -> Evidence:
    client = marked.harness.client
    events = client.logto.events(after=marked.after_event)
    messages = [m for m in client.mailbox.messages(limit=MAX_MESSAGES) if int(m["id"]) > marked.after_message]
    messages.reverse()  # oldest first, as the events
    return Evidence(events, messages, {m["id"]: client.mailbox.raw(m["id"]) for m in messages})


def merge(evidences: list[Evidence]) -> Evidence:
    merged = Evidence()
    for evidence in evidences:
        merged.events += evidence.events
        merged.messages += evidence.messages
        merged.raws.update(evidence.raws)
    return merged


def hop(event: dict[str, Any]) -> str:
    """One event as a line: an error as ``METHOD /path → status code``, other hops by their kind and step."""
    data = event.get("data") or {}
    if event.get("kind") == "error":
        where = " ".join(str(part) for part in (data.get("method"), data.get("endpoint")) if part)
        status = data.get("status")
        answered = (
            f"{status} {data.get('error')}" if status else f"{data.get('error')} ({data.get('answered')})"
        )
        return f"{where} → {answered}"
    detail = data.get("step") or data.get("outcome") or data.get("usage_type") or ""
    status = f" → {data['status']}" if "status" in data else ""
    return f"{event.get('kind')}{': ' + str(detail) if detail else ''}{status}"


def summary(evidence: Evidence, folder: Path | None) -> str:
    lines = []
    if evidence.events:
        lines.append(f"last auth hop: {hop(evidence.events[-1])}")
        errors = [e for e in evidence.events if e.get("kind") == "error"]
        if errors and errors[-1] is not evidence.events[-1]:
            lines.append(f"last auth error: {hop(errors[-1])}")
    else:
        lines.append("last auth hop: none (fake_logto recorded no event during the test)")
    lines.append(f"events: {len(evidence.events)}, messages: {len(evidence.messages)}")
    if folder is not None:
        lines.append(f"evidence: {folder}")
    return "\n".join(lines)


def output_folder(output: str | None, nodeid: str) -> Path:
    """pytest-playwright's folder for this test: ``<--output>/<slugify(node id)>``, truncated as it does."""
    name = _slug(nodeid)
    if len(name) >= 256:
        name = f"{name[:100]}-{hashlib.sha256(name.encode()).hexdigest()[:7]}-{name[-100:]}"
    return Path(output or "test-results").absolute() / name


def _slug(text: str) -> str:
    try:
        from slugify import slugify  # pytest-playwright's dependency: the same folder as its trace

        return str(slugify(text))
    except ImportError:
        return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def write(folder: Path, evidence: Evidence, nodeid: str, outcome: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / EVENTS_FILE).write_text(json.dumps(evidence.events, indent=2, ensure_ascii=False))
    if evidence.messages:
        messages = folder / MESSAGES_FOLDER
        messages.mkdir(exist_ok=True)
        for message in evidence.messages:
            (messages / f"{message['id']}.json").write_text(json.dumps(message, indent=2, ensure_ascii=False))
            (messages / f"{message['id']}.eml").write_bytes(evidence.raws.get(message["id"], b""))
    page = _template().render(
        nodeid=nodeid,
        outcome=outcome,
        summary=summary(evidence, None),
        rows=_timeline(evidence),
    )
    (folder / TIMELINE_FILE).write_text(page)


def _timeline(evidence: Evidence) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for event in evidence.events:
        at = float(event.get("at") or 0)
        rows.append(
            {
                "at": at,
                "when": _when(at),
                "kind": event.get("kind"),
                "error": event.get("kind") == "error",
                "line": hop(event),
                "who": " ".join(str(v) for v in (event.get("client_id"), event.get("email")) if v),
                "detail": json.dumps(event.get("data"), indent=1, ensure_ascii=False),
            }
        )
    for message in evidence.messages:
        at = _epoch(str(message.get("received_at") or ""))
        rows.append(
            {
                "at": at,
                "when": _when(at),
                "kind": "message",
                "error": False,
                "line": f"{message.get('subject')} → {', '.join(message.get('recipients') or [])}",
                "who": str(message.get("from") or ""),
                "detail": str(message.get("text") or ""),
                "file": f"{MESSAGES_FOLDER}/{message['id']}.eml",
            }
        )
    rows.sort(key=lambda row: float(row["at"]))
    return rows


def _epoch(iso: str) -> float:
    try:
        return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%H:%M:%S.%f")[:-3] if at else ""


@cache
def _template() -> jinja2.Template:
    loader = jinja2.PackageLoader("harness", "templates")
    return jinja2.Environment(loader=loader, autoescape=True).get_template("evidence.html")

"""Stored templates with versions, and their rendering with Handlebars (pybars3).

Follows Mailgun's templates API (``api-templates.rst``): a template has versions identified by ``tag``,
one of them active; a message names a template and optionally ``t:version``. Mailgun's Handlebars dialect
adds ``{{#equal a b}}`` and allows ``{{else if x}}``, which pybars3 lacks: ``else if`` chains are rewritten
into nested blocks before compiling.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from ._errors import MailgunError, bad_request, not_found

MAX_TEMPLATES = 100
MAX_VERSIONS = 40
_TAG = re.compile(r"{{~?\s*(#|/|else\b)?\s*([^}]*?)\s*~?}}")
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,255}$")


def _desugar_else_if(source: str) -> str:
    """``{{#if a}}A{{else if b}}B{{/if}}`` → ``{{#if a}}A{{else}}{{#if b}}B{{/if}}{{/if}}``."""
    out: list[str] = []
    stack: list[int] = []  # extra closers owed by each open block
    pos = 0
    for match in _TAG.finditer(source):
        out.append(source[pos : match.start()])
        pos = match.end()
        kind, body = match.group(1), match.group(2)
        if kind == "#":
            stack.append(0)
            out.append(match.group(0))
        elif kind == "/":
            owed = stack.pop() if stack else 0
            out.append(match.group(0) + "{{/if}}" * owed)
        elif kind == "else" and body.split(" ", 1)[0] in ("if", "unless") and stack:
            helper, _, condition = body.partition(" ")
            out.append("{{else}}{{#" + helper + " " + condition + "}}")
            stack[-1] += 1
        else:
            out.append(match.group(0))
    out.append(source[pos:])
    return "".join(out)


def _equal(this: Any, options: dict[str, Any], left: Any, right: Any) -> Any:
    return options["fn"](this) if str(left) == str(right) else options["inverse"](this)


_HELPERS = {"equal": _equal}


@functools.cache
def _compiler() -> Any:
    """pybars builds its grammar at import (~2 s): import it on first use, not at server start."""
    import pybars

    return pybars.Compiler()


@functools.lru_cache(maxsize=256)
def _compile(source: str) -> Any:
    return _compiler().compile(_desugar_else_if(source))


def render(source: str, variables: dict[str, Any]) -> str:
    try:
        return str(_compile(source)(variables, helpers=_HELPERS))
    except Exception as exc:  # pybars raises bare Exceptions for syntax errors
        raise bad_request(f"template rendering failed: {exc}") from exc


def check_syntax(source: str) -> None:
    try:
        _compile(source)
    except Exception as exc:
        raise bad_request(f"template is not valid handlebars: {exc}") from exc


def _rfc2822(when: float) -> str:
    return format_datetime(datetime.fromtimestamp(when, UTC), usegmt=True)


@dataclass
class Version:
    tag: str
    template: str
    engine: str
    comment: str
    created_at: float
    headers: dict[str, str] = field(default_factory=dict)
    active: bool = False

    def to_json(self, *, with_body: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "tag": self.tag,
            "engine": self.engine,
            "mjml": "",
            "createdAt": _rfc2822(self.created_at),
            "comment": self.comment,
            "active": self.active,
            "id": f"{self.tag}-{int(self.created_at * 1000):x}",
        }
        if self.headers:
            body["headers"] = self.headers
        if with_body:
            body["template"] = self.template
        return body


@dataclass
class Template:
    name: str
    description: str
    created_at: float
    created_by: str = ""
    versions: dict[str, Version] = field(default_factory=dict)

    @property
    def active(self) -> Version | None:
        return next((v for v in self.versions.values() if v.active), None)

    def to_json(self, *, version: Version | None = None, with_body: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "createdAt": _rfc2822(self.created_at),
            "createdBy": self.created_by,
            "description": self.description,
            "name": self.name,
            "id": f"{self.name}-{int(self.created_at * 1000):x}",
        }
        if version is not None:
            body["version"] = version.to_json(with_body=with_body)
        return body


class Templates:
    """Templates of every domain, keyed by (domain, lower-cased name): names are case-insensitive."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], Template] = {}

    def list(self, domain: str) -> list[Template]:
        with self._lock:
            return sorted(
                (t for (d, _), t in self._items.items() if d == domain), key=lambda t: t.name.lower()
            )

    def get(self, domain: str, name: str) -> Template:
        with self._lock:
            found = self._items.get((domain, name.lower()))
        if found is None:
            raise not_found("template not found")
        return found

    def create(
        self, domain: str, *, name: str, description: str, version: Version | None, now: float
    ) -> Template:
        if not name:
            raise bad_request("name: Missing mandatory parameter")
        if not _NAME.match(name):
            raise bad_request("name: invalid template name")
        with self._lock:
            if (domain, name.lower()) in self._items:
                raise MailgunError(409, f"template with name '{name.lower()}' already exists")
            if sum(1 for d, _ in self._items if d == domain) >= MAX_TEMPLATES:
                raise bad_request(f"template limit reached: {MAX_TEMPLATES}")
            template = Template(name=name.lower(), description=description, created_at=now)
            if version is not None:
                version.active = True
                template.versions[version.tag] = version
            self._items[(domain, name.lower())] = template
            return template

    def add_version(self, domain: str, name: str, version: Version, *, activate: bool) -> Template:
        template = self.get(domain, name)
        with self._lock:
            if version.tag in template.versions:
                raise MailgunError(409, f"version with tag '{version.tag}' already exists")
            if len(template.versions) >= MAX_VERSIONS:
                raise bad_request(f"version limit reached: {MAX_VERSIONS}")
            if activate or not template.versions:
                for other in template.versions.values():
                    other.active = False
                version.active = True
            template.versions[version.tag] = version
        return template

    def describe(self, template: Template, description: str) -> None:
        with self._lock:
            template.description = description

    def revise(self, version: Version, *, template: str | None, comment: str) -> None:
        """Change a stored version's body (checked first) and comment."""
        if template is not None:
            check_syntax(template)
        with self._lock:
            if template is not None:
                version.template = template
            version.comment = comment

    def activate(self, template: Template, tag: str) -> None:
        with self._lock:
            for other in template.versions.values():
                other.active = other.tag == tag

    def delete(self, domain: str, name: str) -> Template:
        template = self.get(domain, name)
        with self._lock:
            self._items.pop((domain, name.lower()), None)
        return template

    def delete_version(self, template: Template, tag: str) -> None:
        with self._lock:
            removed = template.versions.pop(tag, None)
            if removed is None:
                raise not_found("version not found")
            if removed.active and template.versions:
                next(iter(template.versions.values())).active = True

    def delete_all(self, domain: str) -> None:
        with self._lock:
            for key in [k for k in self._items if k[0] == domain]:
                del self._items[key]

    def version(self, domain: str, name: str, tag: str | None) -> Version:
        template = self.get(domain, name)
        chosen = template.versions.get(tag) if tag else template.active
        if chosen is None:
            raise not_found("version not found" if tag else "template has no active version")
        return chosen

    def reset(self) -> None:
        with self._lock:
            self._items.clear()

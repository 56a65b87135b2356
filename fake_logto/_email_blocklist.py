"""The sign-in experience's ``emailBlocklistPolicy``: which email addresses an account may be given.

Follows ``packages/core/src/libraries/sign-in-experience/email-blocklist-policy.ts`` and the matching of
``packages/toolkit/core-kit/src/email-blocklist.ts``:

- :func:`parse` is ``emailBlocklistPolicyGuard`` (booleans and string arrays, each optional, unknown keys
  stripped) then ``parseEmailBlocklistPolicy``: the custom lists deduplicated, every item an email
  address or an ``@domain`` (``*`` wildcards allowed in either part), else 400
  ``sign_in_experiences.invalid_custom_email_blocklist_format`` naming the bad items;
  ``blockDisposableAddresses`` is a Logto Cloud feature: ``true`` is 400 ``request.invalid_input``;
- :func:`guard_email` is ``validateEmailAgainstBlocklistPolicy``, in its order: no domain (400
  ``session.email_blocklist.invalid_email``), a ``+`` subaddress while ``blockSubaddressing`` (422
  ``email_subaddressing_not_allowed``), not on a non-empty ``customAllowlist`` or on the
  ``customBlocklist`` (422 ``email_not_allowed``); matching is case-insensitive, ``gmail.com`` and
  ``googlemail.com`` are one domain and dots in a Gmail local part do not count.

The Experience API applies it where Logto's ``SignInExperienceValidator.guardEmailBlocklist`` runs: an
email verification staged on the profile, a Register identification, a Register code sent to an email.
"""

from __future__ import annotations

import re
from typing import Any

from . import _guards
from ._config import EmailBlocklistPolicy
from ._errors import LogtoError

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
# core-kit's emailOrEmailDomainRegEx
EMAIL_OR_DOMAIN_RE = re.compile(rf"^(?:[^\s@]+@{_LABEL}(?:\.{_LABEL})+|@{_LABEL}(?:\.{_LABEL})+)\Z")
GMAIL_DOMAINS = ("gmail.com", "googlemail.com")
_WHITESPACE = re.compile(r"\s")
_WILDCARD_ONLY = re.compile(r"^[*.]+\Z")
LISTS = {"customAllowlist": "custom_allowlist", "customBlocklist": "custom_blocklist"}
FLAGS = {
    "blockDisposableAddresses": "block_disposable_addresses",
    "blockSubaddressing": "block_subaddressing",
}


def _wildcard_domain_ok(domain: str) -> bool:
    return (
        bool(domain)
        and "." in domain
        and "@" not in domain
        and ".." not in domain
        and not domain.startswith(".")
        and not domain.endswith(".")
        and not _WHITESPACE.search(domain)
        and not _WILDCARD_ONLY.match(domain)
    )


def is_item(value: str) -> bool:
    """``isEmailBlocklistItem``: an address or an ``@domain``, with ``*`` only in well-formed places."""
    if "*" not in value:
        return bool(EMAIL_OR_DOMAIN_RE.match(value))
    if _WHITESPACE.search(value):
        return False
    if value.startswith("@"):
        return _wildcard_domain_ok(value[1:])
    parts = value.split("@")
    if len(parts) != 2:
        return False
    local, domain = parts
    return bool(local) and not _WHITESPACE.search(local) and _wildcard_domain_ok(domain)


def _pattern_matches(pattern: str, value: str) -> bool:
    if "*" not in pattern:
        return pattern == value
    return re.fullmatch(".*".join(re.escape(part) for part in pattern.split("*")), value) is not None


def _without_local_dots(value: str) -> str:
    local, at, rest = value.partition("@")
    return local.replace(".", "") + at + rest if at else value


def matches(item: str, email: str) -> bool:
    """``matchesEmailBlocklistItem``: ``item`` (an address or ``@domain`` pattern) covers ``email``."""
    item, email = item.lower(), email.lower()
    parts = email.split("@")
    domain = parts[1] if len(parts) > 1 else ""
    gmail = domain in GMAIL_DOMAINS
    if item.startswith("@"):
        if not domain:
            return False
        return any(_pattern_matches(item[1:], d) for d in (GMAIL_DOMAINS if gmail else (domain,)))
    if not gmail:
        return _pattern_matches(item, email)
    local = _without_local_dots(email).split("@")[0]
    return any(_pattern_matches(_without_local_dots(item), f"{local}@{d}") for d in GMAIL_DOMAINS)


def _conjunction(items: list[str]) -> str:
    """``Intl.ListFormat('en', {type: 'conjunction'})``, as i18next's ``list`` formatter renders it."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _custom_list(items: list[str]) -> tuple[str, ...]:
    """``parseCustomEmailList``: deduplicated in order; every item well-formed."""
    unique = list(dict.fromkeys(items))
    invalid = [item for item in unique if not is_item(item)]
    if invalid:
        raise LogtoError(
            "sign_in_experiences.invalid_custom_email_blocklist_format", 400, items=_conjunction(invalid)
        )
    return tuple(unique)


def guard(body: dict[str, Any]) -> dict[str, Any]:
    """``emailBlocklistPolicyGuard`` on ``body["emailBlocklistPolicy"]``: the keys it keeps."""
    value = _guards.field(body, "emailBlocklistPolicy", dict)
    kept: dict[str, Any] = {}
    for key in ("blockDisposableAddresses", "blockSubaddressing", "customAllowlist", "customBlocklist"):
        path = f"emailBlocklistPolicy.{key}"
        if key in FLAGS:
            flag = _guards.field(value, path, bool, optional=True)
            if flag is not None:
                kept[key] = flag
        else:
            items: list[Any] | None = _guards.field(value, path, list, optional=True)
            if items is not None:
                for i, item in enumerate(items):
                    _guards.field({str(i): item}, f"{path}.{i}", str)
                kept[key] = items
    return kept


def parse(kept: dict[str, Any]) -> EmailBlocklistPolicy:
    """``parseEmailBlocklistPolicy`` of a guarded value (:func:`guard`): the column to store."""
    if kept.get("blockDisposableAddresses"):
        raise LogtoError(
            "request.invalid_input",
            400,
            reason="Disposable email domain validation is not supported in this environment",
        )
    allow, block = (kept.get(key) for key in LISTS)
    return EmailBlocklistPolicy(
        block_disposable_addresses=kept.get("blockDisposableAddresses"),
        block_subaddressing=kept.get("blockSubaddressing"),
        custom_allowlist=None if allow is None else _custom_list(allow),
        custom_blocklist=None if block is None else _custom_list(block),
    )


def as_json(policy: EmailBlocklistPolicy) -> dict[str, Any]:
    """The stored column, its keys in Logto's order (what the Management API answers)."""
    body: dict[str, Any] = {}
    for key, attr in (*FLAGS.items(), *LISTS.items()):
        value = getattr(policy, attr)
        if value is not None:
            body[key] = list(value) if isinstance(value, tuple) else value
    return body


def guard_email(policy: EmailBlocklistPolicy, email: str) -> None:
    """``validateEmailAgainstBlocklistPolicy`` (the disposable-address check needs Logto Cloud)."""
    parts = email.split("@")
    if len(parts) < 2 or not parts[1]:
        raise LogtoError("session.email_blocklist.invalid_email", 400)
    if policy.block_subaddressing and "+" in parts[0]:
        raise LogtoError("session.email_blocklist.email_subaddressing_not_allowed", 422)
    allow = policy.custom_allowlist
    if allow and not any(matches(item, email) for item in allow):
        raise LogtoError("session.email_blocklist.email_not_allowed", 422, email=email)
    if policy.custom_blocklist and any(matches(item, email) for item in policy.custom_blocklist):
        raise LogtoError("session.email_blocklist.email_not_allowed", 422, email=email)

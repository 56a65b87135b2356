"""A send's options as Mailgun reads them, whichever door they came in by: ``o:``/``v:`` form fields of
the API, or the ``X-Mailgun-*`` headers of SMTP mail (``user_manual.rst``, "Passing Sending Options").

- **User variables** (``user_manual.rst``, "Attaching Data to Messages"): ``v:my_message_id=123`` comes
  back in events and webhooks as ``{"my_message_id": "123"}`` — a string, as the form field was;
  ``X-Mailgun-Variables`` JSON maps (``h:X-Mailgun-Variables`` or SMTP headers, several combined) keep
  their JSON values. The delivered MIME carries them all in one ``X-Mailgun-Variables`` header.
- **Tags** (``user_manual.rst``, "Tagging"): case-insensitive, at most 128 characters. A message keeps
  at most 10 (the official SDKs' limit since 2025: mailgun-go ``MaxNumberOfTags = 10``, mailgun-php #931,
  mailgun-ruby #350; the manual still says 3). Mailgun's servers drop what is over a tag limit rather than
  refuse the send (the 4,000 tags of an account: "tags created after the limit are dropped"); the fake
  does the same per message — silent, documented — and drops case-insensitive duplicates and blanks.
- **Delivery time** (``user_manual.rst``, "Scheduling Delivery"): RFC 2822 or a Unix epoch; "messages can
  be scheduled for a maximum of 3 days in the future" (``api-sending.rst``; 7 days only on plans with 7
  days of storage). Mailgun documents no text for a time past that: the fake answers 400 with its own
  wording (:data:`TOO_FAR`), in Mailgun's ``{"message": ...}`` shape; a time in the past delivers now.
"""

from __future__ import annotations

import json
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any

from ._errors import bad_request

MAX_TAGS = 10
MAX_TAG_LENGTH = 128
MAX_SCHEDULE_SECONDS = 3 * 24 * 3600
TOO_FAR = "'o:deliverytime' is too far in the future: messages can be scheduled for a maximum of 3 days"
TRUE = ("yes", "true", "1", "on")
FALSE = ("no", "false", "0", "off")


def flag(value: str) -> bool | str:
    """A yes/no option as Mailgun reads it (yes/no/true/false in any case); anything else as given."""
    lowered = value.strip().lower()
    return True if lowered in TRUE else False if lowered in FALSE else value


def tags(values: list[str]) -> list[str]:
    """The tags a message keeps: trimmed, cut to 128 characters, case-insensitively unique, at most 10."""
    kept: list[str] = []
    for value in values:
        tag = value.strip()[:MAX_TAG_LENGTH]
        if tag and tag.lower() not in {t.lower() for t in kept}:
            kept.append(tag)
    return kept[:MAX_TAGS]


def delivery_time(value: str, now: float) -> float:
    """When to deliver: an RFC 2822 date or a Unix epoch; Mailgun's 400s for a bad or too late one."""
    text = value.strip()
    when: float | None = None
    try:
        when = float(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            parsed = None
        if parsed is not None:  # "-0000" (Mailgun's own examples) parses as naive: it means UTC
            when = (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()
    if when is None or when != when or abs(when) > 1e11:  # NaN, or beyond any date Python can render
        raise bad_request("invalid delivery time format")
    if when - now > MAX_SCHEDULE_SECONDS:
        raise bad_request(TOO_FAR)
    return when


def variables_json(text: str, source: str) -> dict[str, Any]:
    """An ``X-Mailgun-Variables`` value: a JSON map, or Mailgun's 400 naming where it came from."""
    error = f"'{source}' parameter is not a valid JSON"
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise bad_request(error) from exc
    if not isinstance(value, dict):
        raise bad_request(error)
    return value


def user_variables(v_fields: list[tuple[str, str]], headers: list[str], source: str) -> dict[str, Any]:
    """``v:`` fields (name without the prefix, value kept a string), then each ``X-Mailgun-Variables``."""
    variables: dict[str, Any] = dict(v_fields)
    for header in headers:
        variables.update(variables_json(header, source))
    return variables


def variables_header(variables: dict[str, Any]) -> str:
    """The ``X-Mailgun-Variables`` header Mailgun writes into the delivered MIME."""
    return json.dumps(variables)  # ASCII (\u escapes): it is written as a raw header line too

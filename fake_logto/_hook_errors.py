"""What a webhook request that failed looks like in Logto's logs and errors: ``String(error)`` of what ky
1.2.3 (``HTTPError``, ``TimeoutError``) or Node's fetch (undici: ``TypeError``) throws, for
:mod:`._hooks` (the ``error`` of a delivery) and :mod:`._hook_testing` (``hook.send_test_payload_failed``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import httpx

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
_SPECIAL_SCHEMES = ("http", "https", "ws", "wss", "ftp")  # WHATWG URL: these need a host
_FORBIDDEN_HOST = frozenset(" #%/:<>?@[\\]^|")


def send_errors() -> tuple[type[Exception], ...]:
    """What a request that got no answer raises: httpx's errors, an unusable URL, a header value fetch
    cannot send (not a byte string: UnicodeEncodeError, a ValueError), the socket's OSError. (A function:
    httpx is imported once a request is sent, not at the fake's start.)"""
    import httpx

    return (httpx.HTTPError, httpx.InvalidURL, ValueError, OSError)


def fetch_error(exc: Exception, url: str) -> str:
    """``String(error)`` of what ky 1.2.3 on Node's fetch throws for a request that got no answer (a
    header fetch refuses is reported as ``fetch failed`` too; Node names the header instead)."""
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "TimeoutError: Request timed out"
    if not _parses(url):  # undici's Request constructor
        return f"TypeError: Failed to parse URL from {url}"
    return "TypeError: fetch failed"


def _parses(url: str) -> bool:
    """Roughly the WHATWG URL parser's verdict on an absolute URL: a scheme, and for the special schemes
    a host without forbidden code points and a valid port."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # a port that is not a number in 0-65535 raises
    except ValueError:
        return False
    if not _SCHEME.fullmatch(parts.scheme):
        return False
    if parts.scheme.lower() not in _SPECIAL_SCHEMES:
        return True
    host = parts.hostname or ""
    bracketed = "[" in parts.netloc  # an IPv6 literal: urlsplit checked it
    return bool(host) and (bracketed or _FORBIDDEN_HOST.isdisjoint(host))


def http_error(answer: httpx.Response) -> str:
    """ky 1.2.3's ``HTTPError`` as ``String(error)`` prints it."""
    return f"HTTPError: Request failed with status code {answer.status_code} {answer.reason_phrase}".rstrip()

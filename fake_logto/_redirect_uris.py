"""Redirect URIs: which ones an application may register, and which request values match them.

Registering (``POST``/``PATCH /api/applications``): Logto's ``oidcClientMetadataGuard``
(``packages/schemas/src/foundations/jsonb-types/oidc-module.ts``) takes a URI that passes core-kit's
``validateRedirectUrl(url, 'web') || validateRedirectUrl(url, 'mobile')``
(``packages/toolkit/core-kit/src/utils/url.ts``, ``regex.ts``): an ``http(s)`` URL without dot segments
(``.``, ``..``, ``%2e``, ``%2e%2e``), or a custom scheme (``^(?!http(s)?:)[a-z][\\d+_a-z-]*(\\.[\\d+_a-z-]+)*:$``).
A web URI may hold ``*`` in its hostname (which then needs a dot) and path, never in the scheme, port,
query or fragment, nor with credentials or an IPv6 literal.

Matching (``/oidc/auth``, ``/oidc/session/end``): Logto's ``installWildcardRedirectUriMatching``
(``packages/core/src/oidc/redirect-uri/index.ts``, ``utils.ts``) on node-oidc-provider's ``Client``. A
value holding ``*`` never matches; a registered URI without ``*`` matches when both parse to the same
URL (scheme and host case, a default port and an empty ``http(s)`` path are the URL parser's
normalisation); one with ``*`` matches as a pattern: same scheme, effective port, query and fragment,
the hostname label by label (``*`` stands for one or more characters other than a dot, the last two
labels must be literal, the label counts equal), the path with ``*`` as any characters. For a native
application only, an ``http`` loopback value (``localhost``, ``127.0.0.1``, ``[::1]``) also matches a
registration that differs only in its port (RFC 8252 §7.3); the post-logout URI has no such retry.

CORS (``isOriginAllowed``/``matchesOriginAgainstRedirectUriPattern`` in ``packages/core/src/oidc/utils.ts``):
an origin matches a wildcard redirect URI on its scheme, effective port and hostname pattern.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from ._config import Application

_WEB_PROTOCOL = re.compile(r"^https?:$")
_MOBILE_PROTOCOL = re.compile(r"^(?!http(s)?:)[a-z][\d+_a-z-]*(\.[\d+_a-z-]+)*:$")
_DEFAULT_PORTS = {"http:": "80", "https:": "443"}
_LOOPBACKS = ("localhost", "127.0.0.1", "[::1]")


@dataclass(frozen=True)
class Url:
    """The parts of a WHATWG ``URL`` the matching reads (``protocol`` ends with ``:``)."""

    protocol: str
    userinfo: str
    hostname: str
    port: str
    pathname: str
    search: str
    hash: str
    query_mark: bool  # the URL parser keeps a bare "?" / "#" in the href
    hash_mark: bool

    @property
    def href(self) -> str:
        auth = f"{self.userinfo}@" if self.userinfo else ""
        port = f":{self.port}" if self.port else ""
        search = self.search or ("?" if self.query_mark else "")
        fragment = self.hash or ("#" if self.hash_mark else "")
        return f"{self.protocol}//{auth}{self.hostname}{port}{self.pathname}{search}{fragment}"


def parse(value: str) -> Url | None:
    """``new URL(value)`` for what matching needs; None where the parser throws (or could)."""
    if any(c.isspace() for c in value):
        return None
    try:
        parts = urlsplit(value)
        port_number = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not scheme or "://" not in value:
        return None
    protocol = scheme + ":"
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    special = protocol in _DEFAULT_PORTS
    if special:
        if not parts.hostname:
            return None
        hostname = parts.hostname.lower()
        if hostport.startswith("["):
            hostname = f"[{hostname}]"
        port = "" if port_number is None else str(port_number)
        port = "" if port == _DEFAULT_PORTS[protocol] else port
    else:
        hostname, _, port = hostport.partition(":") if not hostport.startswith("[") else (hostport, "", "")
    before_hash = value.split("#", 1)[0]
    return Url(
        protocol=protocol,
        userinfo=userinfo,
        hostname=hostname,
        port=port,
        pathname=parts.path or ("/" if special else ""),
        search=f"?{parts.query}" if parts.query else "",
        hash=f"#{parts.fragment}" if parts.fragment else "",
        query_mark="?" in before_hash,
        hash_mark="#" in value,
    )


# --- registering -----------------------------------------------------------------------------------


def _authority(url: str, separator: int) -> str:
    return re.split(r"[#/?]", url[separator + 3 :])[0]


def _has_dot_segments(url: str) -> bool:
    separator = url.find("://")
    if separator <= 0:
        return False
    authority = _authority(url, separator)
    path = re.split(r"[#?]", url[separator + 3 + len(authority) :])[0]
    return any(s in (".", "..") or s.lower() in ("%2e", "%2e%2e") for s in path.split("/")) if path else False


def _wildcard_free_query(url: str) -> bool:
    query, fragment = url.find("?"), url.find("#")
    return not ((query >= 0 and "*" in url[query:]) or (fragment >= 0 and "*" in url[fragment:]))


def _split_port(authority: str) -> tuple[str, str | None]:
    last = authority.rfind(":")
    if last > -1 and authority.find(":") == last:
        return authority[:last], authority[last + 1 :]
    return authority, None


def _valid_wildcard_web(url: str) -> bool:
    separator = url.find("://")
    if separator <= 0 or "*" in url[:separator] or not _wildcard_free_query(url):
        return False
    authority = _authority(url, separator)
    if "@" in authority or authority.startswith("["):
        return False
    hostname, port = _split_port(authority)
    if ("*" in hostname and "." not in hostname) or (port is not None and "*" in port):
        return False
    if _has_dot_segments(url):
        return False
    parsed = parse(url.replace("*", "wildcard"))
    return parsed is not None and bool(_WEB_PROTOCOL.match(parsed.protocol))


def _valid(url: str, kind: str) -> bool:
    """core-kit's ``validateRedirectUrl(url, kind)``."""
    if kind == "web" and "*" in url:
        return _valid_wildcard_web(url)
    if kind == "web" and _has_dot_segments(url):
        return False
    if kind == "web":
        parsed = parse(url)
        return parsed is not None and bool(_WEB_PROTOCOL.match(parsed.protocol))
    try:
        scheme = urlsplit(url).scheme
    except ValueError:
        return False
    return bool(scheme) and bool(_MOBILE_PROTOCOL.match(scheme.lower() + ":"))


def valid_redirect_uri(url: str) -> bool:
    """The guard of each of ``redirectUris`` and ``postLogoutRedirectUris``."""
    return _valid(url, "web") or _valid(url, "mobile")


# --- matching --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Pattern:
    protocol: str
    port: str
    hostname: str
    pathname: str
    search: str
    hash: str


def _effective_port(protocol: str, port: str) -> str:
    return port or _DEFAULT_PORTS.get(protocol, "")


def _pattern(pattern: str) -> _Pattern | None:
    """``parseWildcardUrlPattern``: None for a pattern the matcher never matches."""
    separator = pattern.find("://")
    if separator <= 0 or "*" in pattern[:separator] or not _wildcard_free_query(pattern):
        return None
    parsed = parse(pattern.replace("*", "wildcard"))
    authority = _authority(pattern, separator)
    if parsed is None or not authority or "@" in authority or authority.startswith("["):
        return None
    hostname, port = _split_port(authority)
    if port is not None and "*" in port:
        return None
    if "*" in hostname and "." not in hostname:
        return None
    if any("*" in label for label in hostname.split(".")[-2:]):
        return None
    query, fragment = pattern.find("?"), pattern.find("#")
    end = min(
        len(pattern), query if query >= 0 else len(pattern), fragment if fragment >= 0 else len(pattern)
    )
    return _Pattern(
        protocol=parsed.protocol,
        port=parsed.port,
        hostname=hostname,
        pathname=pattern[separator + 3 + len(authority) : end] or "/",
        search=parsed.search,
        hash=parsed.hash,
    )


def _label_regex(label: str) -> re.Pattern[str]:
    return re.compile("^" + "[^.]+".join(re.escape(p) for p in label.split("*")) + "$", re.IGNORECASE)


def _hostname_matches(pattern: str, actual: str) -> bool:
    pattern, actual = pattern.lower(), actual.lower()
    if "*" not in pattern:
        return pattern == actual
    wanted, labels = pattern.split("."), actual.split(".")
    if len(wanted) != len(labels):
        return False
    return all(
        (w == label) if "*" not in w else bool(_label_regex(w).match(label))
        for w, label in zip(wanted, labels, strict=True)
    )


def _path_matches(pattern: str, actual: str) -> bool:
    if "*" not in pattern:
        return pattern == actual
    regex = "^" + ".*".join(re.escape(p) for p in pattern.split("*")) + "$"
    return re.match(regex, actual, re.DOTALL) is not None


def wildcard_match(pattern: str, actual: Url) -> bool:
    """``wildcardUrlMatch``."""
    wanted = _pattern(pattern)
    if wanted is None or actual.protocol != wanted.protocol:
        return False
    if _effective_port(actual.protocol, actual.port) != _effective_port(wanted.protocol, wanted.port):
        return False
    return (
        _hostname_matches(wanted.hostname, actual.hostname)
        and _path_matches(wanted.pathname, actual.pathname)
        and actual.search == wanted.search
        and actual.hash == wanted.hash
    )


def _registered_match(registered: tuple[str, ...], actual: Url) -> bool:
    for allowed in registered:
        if "*" in allowed:
            if wildcard_match(allowed, actual):
                return True
            continue
        parsed = parse(allowed)
        if parsed is not None and parsed.href == actual.href:
            return True
    return False


def _loopback_match(registered: tuple[str, ...], actual: Url) -> bool:
    if actual.protocol != "http:" or actual.hostname not in _LOOPBACKS:
        return False
    portless = replace(actual, port="")
    for allowed in registered:
        parsed = parse(allowed)
        if parsed is not None and replace(parsed, port="").href == portless.href:
            return True
    return False


def redirect_uri_allowed(client: Application, value: str) -> bool:
    """``Client.prototype.redirectUriAllowed`` as Logto installs it."""
    parsed = None if "*" in value else parse(value)
    if parsed is None:
        return False
    if _registered_match(client.redirect_uris, parsed):
        return True
    return client.type == "native" and _loopback_match(client.redirect_uris, parsed)


def post_logout_redirect_uri_allowed(client: Application, value: str) -> bool:
    """``Client.prototype.postLogoutRedirectUriAllowed`` as Logto installs it (no loopback retry)."""
    parsed = None if "*" in value else parse(value)
    return parsed is not None and _registered_match(client.post_logout_redirect_uris, parsed)


def origin_matches(origin: str, redirect_uri: str) -> bool:
    """``matchesOriginAgainstRedirectUriPattern``: an origin against a wildcard redirect URI."""
    separator = redirect_uri.find("://")
    parsed = parse(redirect_uri.replace("*", "wildcard"))
    authority = _authority(redirect_uri, separator) if separator > 0 else ""
    if parsed is None or not authority or "@" in authority or authority.startswith("["):
        return False
    actual = parse(origin)
    if actual is None or actual.protocol != parsed.protocol:
        return False
    if _effective_port(actual.protocol, actual.port) != _effective_port(parsed.protocol, parsed.port):
        return False
    hostname, _port = _split_port(authority)
    wanted, labels = hostname.lower().split("."), actual.hostname.split(".")
    return len(wanted) == len(labels) and all(
        bool(_label_regex(w).match(label)) for w, label in zip(wanted, labels, strict=True)
    )


__all__ = [
    "Url",
    "origin_matches",
    "parse",
    "post_logout_redirect_uri_allowed",
    "redirect_uri_allowed",
    "valid_redirect_uri",
    "wildcard_match",
]

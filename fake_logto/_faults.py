"""Fault rules of the Logto surface: make the next requests to an endpoint fail, stall or vanish, as a
flaky Logto (or the proxy in front of it) would, so an app's error handling can be tested. The rules are
here; :mod:`._fault_injection` applies them to requests.

A rule (``POST /__harness/faults``, :mod:`._faults_control`) names *where* — an ``endpoint`` of
:data:`ENDPOINTS` or a ``path`` glob (``/api/experience/verification/*``), optionally a ``method`` and, for
the token endpoint, a ``grant_type`` — and *what*, applied in this order:

- ``delay_ms``: hold the request on the tenant clock (:meth:`._clock.Clock.hold`) — real time passing or
  ``POST /__harness/clock`` releases it — then go on with the rest (or answer normally);
- ``drop``: close the connection with no answer (:func:`fakekit.drop_connection`);
- ``error`` (an OIDC endpoint): node-oidc-provider's error as Logto renders it (:class:`._errors.OAuthError`
  — ``{code, message, error_uri?, error, error_description}``), its status and default description from
  ``lib/helpers/errors.js`` (:data:`OAUTH_ERRORS`); at ``/oidc/auth`` sent back to the redirect_uri as
  ``authorization_error_handler.js`` does (:func:`._auth_errors.early_error`);
- ``code`` (an ``/api`` route): Logto's ``RequestError`` body ``{code, message}`` with the English phrase
  (``packages/phrases/src/locales/en/errors/*``; only codes fake_logto knows the phrase of);
- ``status`` alone: a plain-text answer with the status's reason phrase, as a gateway in front of Logto
  gives (a 503 while Logto restarts).

The schedule — the next ``count`` matching requests, a ``rate`` fraction, or all — is fakekit's
:class:`~fakekit.RuleBook`. Each applied fault is an event of the debug view (``kind: "fault"``).
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any, Literal

from fakekit import Rule, RuleBook

from . import _errors, paths

Endpoint = Literal[
    "discovery", "jwks", "authorization", "token", "userinfo", "revocation", "end_session", "experience",
    "sign_in_exp", "management",
]  # fmt: skip
# Each named endpoint's path globs (paths.py), and whether it speaks OIDC errors or Logto's /api errors.
ENDPOINTS: dict[str, tuple[tuple[str, ...], Literal["oidc", "api"]]] = {
    "discovery": ((paths.DISCOVERY, paths.DISCOVERY_OAUTH), "oidc"),
    "jwks": ((paths.JWKS,), "oidc"),
    "authorization": ((paths.AUTH,), "oidc"),
    "token": ((paths.TOKEN,), "oidc"),
    "userinfo": ((paths.USERINFO,), "oidc"),
    "revocation": ((paths.REVOCATION,), "oidc"),
    "end_session": ((paths.END_SESSION,), "oidc"),
    "experience": ((paths.EXPERIENCE, paths.EXPERIENCE + "/*"), "api"),
    "sign_in_exp": ((paths.SIGN_IN_EXP,), "api"),
    "management": ((paths.API + "/*",), "api"),
}
# node-oidc-provider's error classes (lib/helpers/errors.js): status and default error_description.
OAUTH_ERRORS: dict[str, tuple[int, str]] = {
    "invalid_grant": (400, "grant request is invalid"),
    "invalid_client": (401, "client authentication failed"),
    "invalid_token": (401, "invalid token provided"),
    "invalid_request": (400, "request is invalid"),
    "invalid_scope": (400, ""),
    "insufficient_scope": (403, ""),
    "invalid_target": (400, "resource indicator is missing, or unknown"),
    "access_denied": (400, ""),
    "login_required": (400, ""),
    "consent_required": (400, ""),
    "interaction_required": (400, ""),
    "unauthorized_client": (400, ""),
    "unsupported_grant_type": (400, "unsupported grant_type requested"),
    "temporarily_unavailable": (400, ""),
    "slow_down": (400, "you are polling too quickly and should back off at a reasonable rate"),
    # What lib/helpers/err_out.js answers for any error it does not expose (a crash: status 500).
    "server_error": (500, "oops! something went wrong"),
}
MAX_DELAY_MS = 600_000


@dataclass(kw_only=True)
class Fault(Rule):
    """Where (``endpoint`` or ``path``, ``method``, ``grant_type``) and what (``delay_ms``, then ``drop``,
    ``error``, ``code`` or ``status``); the schedule is fakekit's :class:`~fakekit.Rule`."""

    endpoint: str | None = None
    path: str | None = None
    method: str | None = None
    grant_type: str | None = None
    status: int | None = None
    error: str | None = None
    error_description: str | None = None
    code: str | None = None
    delay_ms: int = 0
    drop: bool = False

    @property
    def answer(self) -> str | int:
        """What it answers after its delay, as the debug view shows it: ``drop``, the error, the code, the
        status, or ``delay`` (a delay alone: then the request is answered as usual)."""
        if self.drop:
            return "drop"
        return self.error or self.code or self.status or "delay"

    def globs(self) -> tuple[str, ...]:
        return ENDPOINTS[self.endpoint][0] if self.endpoint else (self.path or "",)

    def surface(self) -> Literal["oidc", "api"] | None:
        if self.endpoint:
            return ENDPOINTS[self.endpoint][1]
        path = self.path or ""
        return "oidc" if path.startswith(paths.OIDC + "/") else "api" if path.startswith(paths.API) else None

    def applies(self, method: str, path: str, grant_type: str | None) -> bool:
        return (
            any(fnmatch.fnmatchcase(path, glob) for glob in self.globs())
            and (self.method is None or self.method.upper() == method)
            and (self.grant_type is None or self.grant_type == grant_type)
        )


def phrase(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


def problem(fault: Fault) -> str | None:
    """What is wrong with a rule, if anything: checked when it is added, so no rule answers a request
    with something Logto could not have said."""
    if (fault.endpoint is None) == (fault.path is None):
        return "a fault needs an endpoint or a path (not both)"
    if fault.endpoint is not None and fault.endpoint not in ENDPOINTS:
        return f"endpoint must be one of {', '.join(ENDPOINTS)}"
    if fault.path is not None and (not fault.path.startswith("/") or fault.path.startswith(paths.CONTROL)):
        return f"path must be a path glob of the Logto surface (not under {paths.CONTROL})"
    if fault.grant_type is not None and fault.endpoint != "token":
        return "grant_type applies to the token endpoint"
    answers = [a for a in ("error", "code") if getattr(fault, a) is not None]
    if not (answers or fault.status is not None or fault.drop or fault.delay_ms):
        return "a fault needs a status, an error, a code, drop or a delay_ms"
    if len(answers) > 1 or (fault.drop and (answers or fault.status is not None)):
        return "a fault answers one of: an error, a code, a status, or drop"
    if fault.status is not None and (not 400 <= fault.status <= 599 or phrase(fault.status) is None):
        return f"status must be a standard HTTP error status (400-599), got {fault.status}"
    if not 0 <= fault.delay_ms <= MAX_DELAY_MS:
        return f"delay_ms must be between 0 and {MAX_DELAY_MS}"
    if fault.error is not None:
        if fault.surface() != "oidc":
            return "error (an OAuth error) applies to an OIDC endpoint: give code for an /api route"
        if fault.error not in OAUTH_ERRORS:
            return f"error must be one of {', '.join(OAUTH_ERRORS)}"
    if fault.code is not None:
        if fault.surface() != "api":
            return "code (a Logto error code) applies to an /api route: give error for an OIDC endpoint"
        if fault.code not in _errors.MESSAGES:
            return f"code {fault.code!r}: not a Logto error code fake_logto knows the phrase of"
    if fault.error_description is not None and fault.error is None:
        return "error_description goes with error"
    return None


class Faults:
    """The tenant's fault rules."""

    def __init__(self) -> None:
        self._rules: RuleBook[Fault] = RuleBook()

    def add(self, **spec: Any) -> Fault:
        """A new rule; ``ValueError`` naming the problem when it could not be applied."""
        fault = Fault(**spec)
        if fault.method is not None:
            fault.method = fault.method.upper()
        found = problem(fault)
        if found is not None:
            raise ValueError(found)
        return self._rules.add(fault)

    def list(self) -> list[Fault]:
        return self._rules.list()

    def clear(self) -> None:
        self._rules.clear()

    def wants_grant_type(self, method: str, path: str) -> bool:
        """Whether a rule must see the token request's ``grant_type`` (its body) to decide."""
        return any(
            r.grant_type is not None and r.applies(method, path, r.grant_type) for r in self._rules.list()
        )

    def take(self, method: str, path: str, grant_type: str | None) -> Fault | None:
        return self._rules.take(lambda rule: rule.applies(method, path, grant_type))

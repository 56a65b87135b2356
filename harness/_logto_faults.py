"""The harness client's operations on fake_logto's faults, signing keys and attack tokens
(``/__harness/faults``, ``/keys/rotate``, ``/attack-tokens``; :mod:`fake_logto`'s ``_faults_control``),
written once as data like every other operation (:mod:`harness._operations`)."""

from __future__ import annotations

from typing import Any

from fake_logto import paths as logto_paths

from ._operations import JSON, Request, _items, _json, _nothing, _params

ATTACK_KINDS = (
    "valid", "expired", "not-yet-valid", "wrong-audience", "wrong-issuer", "bad-signature", "alg-none",
    "unknown-kid", "missing-scope", "other-tenant-key",
)  # fmt: skip


def add_fault(
    endpoint: str | None = None,
    *,
    path: str | None = None,
    status: int | None = None,
    error: str | None = None,
    code: str | None = None,
    delay_ms: int = 0,
    drop: bool = False,
    count: int | None = None,
    **spec: Any,
) -> Request[JSON]:
    """A fault rule on fake_logto: the next ``count`` requests (or a ``rate`` fraction, or all) to
    ``endpoint`` (token, jwks, userinfo, discovery, authorization, experience, …) or a ``path`` glob
    (``method``, and ``grant_type`` for the token endpoint, narrow it) are held ``delay_ms`` on the tenant
    clock, then dropped (``drop``) or answered with an OAuth ``error`` (``error_description``), a Logto
    error ``code``, or a plain ``status``. Answers the rule."""
    body = _params(endpoint=endpoint, path=path, status=status, error=error, code=code, count=count, **spec)
    body |= {"delay_ms": delay_ms, "drop": drop}
    return Request("logto", "POST", logto_paths.FAULTS, _json, json=body)


def list_faults() -> Request[list[JSON]]:
    """The active fault rules, oldest first (``applied``, ``remaining``)."""
    return Request("logto", "GET", logto_paths.FAULTS, _items)


def clear_faults() -> Request[None]:
    """Remove every fault rule of fake_logto."""
    return Request("logto", "DELETE", logto_paths.FAULTS, _nothing)


def rotate_keys(keep_previous: bool = True) -> Request[JSON]:
    """A new signing key (tokens are signed with it from now on); the old one stays in the JWKS unless
    ``keep_previous`` is false. Answers ``{kid, kids}``."""
    body = {"keep_previous": keep_previous}
    return Request("logto", "POST", logto_paths.KEYS_ROTATE, _json, json=body)


def attack_token(
    kind: str,
    resource: str,
    scope: str | None = None,
    *,
    subject: str | None = None,
    client_id: str | None = None,
) -> Request[JSON]:
    """An access token for ``resource`` that a correct API must reject — ``kind`` one of
    :data:`ATTACK_KINDS` — or, ``valid``, accept. Answers ``{kind, token, rejected_by}``."""
    body = _params(kind=kind, resource=resource, scope=scope, subject=subject, client_id=client_id)
    return Request("logto", "POST", logto_paths.ATTACK_TOKENS, _json, json=body)

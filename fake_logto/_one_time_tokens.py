"""One-time tokens (magic links): the tenant's ``one_time_tokens`` rows and the checks a token passes.

Follows Logto's table (``packages/schemas/tables/one_time_tokens.sql``: ``email`` varchar(128), ``token``
varchar(256) unique, ``context`` ``{jitOrganizationIds?, interactionEvent?}``, ``status`` one of
``active``/``consumed``/``revoked``/``expired``, ``createdAt``/``expiresAt`` in epoch ms), its queries
(``packages/core/src/queries/one-time-tokens.ts``: a listed or fetched token reads as ``expired`` once
active past its expiry, newest first; a token looked up by its value reads its stored status) and its
library (``packages/core/src/libraries/one-time-token.ts``): :meth:`OneTimeTokens.check` answers, in
Logto's order, 404 ``one_time_token.token_not_found``, then 400 ``email_mismatch`` (exact comparison),
``token_expired`` (marking an active token expired), ``token_consumed``, ``token_revoked``,
``interaction_event_mismatch`` (only when both the token and the caller name an event); a checked token is
consumed by :meth:`OneTimeTokens.verify`; no status goes back to ``active`` (400
``one_time_token.cannot_reactivate_token``). Expiry is on the tenant clock. The Management API's routes
are :mod:`._management_one_time_tokens`, the Experience API's verification
:mod:`._verification_one_time_token`.
"""

from __future__ import annotations

import secrets
import string
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from ._errors import LogtoError

TENANT_ID = "default"  # Logto OSS's tenant (``defaultTenantId``)
TABLE = "one_time_tokens"
STATUSES = ("active", "consumed", "revoked", "expired")  # OneTimeTokenStatus
DEFAULT_EXPIRES_IN = 10 * 60  # seconds: routes/one-time-tokens.ts defaultExpiresTime
TOKEN_LENGTH = 32  # generateStandardSecret
_ALPHABET = string.ascii_lowercase + string.digits  # @logto/shared's id alphabet


def _random(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


@dataclass
class OneTimeToken:
    id: str
    email: str
    token: str
    context: dict[str, Any]
    status: str
    created_at: int  # epoch ms
    expires_at: int  # epoch ms
    seq: int = field(default=0, compare=False)  # creation order, for equal createdAt

    def to_json(self) -> dict[str, Any]:
        """``OneTimeTokens.guard``."""
        return {
            "tenantId": TENANT_ID,
            "id": self.id,
            "email": self.email,
            "token": self.token,
            "context": self.context,
            "status": self.status,
            "createdAt": self.created_at,
            "expiresAt": self.expires_at,
        }


class OneTimeTokens:
    """The tenant's one-time tokens; thread-safe, every expiry on ``now_ms`` (the tenant clock)."""

    def __init__(self, now_ms: Callable[[], int]) -> None:
        self.now_ms = now_ms
        self._lock = threading.Lock()
        self._rows: dict[str, OneTimeToken] = {}
        self._seq = 0

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()

    def _read(self, row: OneTimeToken) -> OneTimeToken:
        """``buildFindEntitiesSql``: an active row past its expiry reads as ``expired``."""
        if row.status == "active" and row.expires_at < self.now_ms():
            return replace(row, status="expired")
        return replace(row)

    def create(self, email: str, context: dict[str, Any], expires_in: float | None) -> OneTimeToken:
        """``POST /one-time-tokens``: first the email's active tokens past expiry become ``expired``
        (``updateExpiredOneTimeTokensStatusByEmail``), then a new active token."""
        now = self.now_ms()
        seconds = DEFAULT_EXPIRES_IN if expires_in is None else expires_in
        with self._lock:
            for row in self._rows.values():
                if row.email == email and row.status == "active" and row.expires_at <= now:
                    row.status = "expired"
            self._seq += 1
            row = OneTimeToken(
                id=_random(21),
                email=email,
                token=_random(TOKEN_LENGTH),
                context=context,
                status="active",
                created_at=now,
                expires_at=int(now + seconds * 1000),
                seq=self._seq,
            )
            self._rows[row.id] = row
            return replace(row)

    def list(self, email: str | None, status: str | None) -> list[OneTimeToken]:
        """``getOneTimeTokens``: filtered on the stored columns (an empty filter is no filter), newest
        first."""
        with self._lock:
            rows = [
                r
                for r in self._rows.values()
                if (not email or r.email == email) and (not status or r.status == status)
            ]
            rows.sort(key=lambda r: (r.created_at, r.seq), reverse=True)
            return [self._read(r) for r in rows]

    def count(self) -> int:
        """``findTotalNumberOfOneTimeTokens``: every row, whatever the list's filter."""
        with self._lock:
            return len(self._rows)

    def by_id(self, token_id: str) -> OneTimeToken:
        with self._lock:
            row = self._rows.get(token_id)
            if row is None:
                raise LogtoError("entity.not_exists_with_id", 404, name=TABLE, id=token_id)
            return self._read(row)

    def _by_token(self, token: str) -> OneTimeToken:
        """``getOneTimeTokenByToken`` (the stored row, its status as stored); call under the lock."""
        for row in self._rows.values():
            if row.token == token:
                return row
        raise LogtoError("one_time_token.token_not_found", 404, token=token)

    def delete(self, token_id: str) -> None:
        """``buildDeleteByIdWithPool``: an unknown id is a ``DeletionError`` (404 ``entity.not_found``)."""
        with self._lock:
            if self._rows.pop(token_id, None) is None:
                raise LogtoError("entity.not_found", 404)

    def set_status(self, token_id: str, status: str) -> OneTimeToken:
        """``updateOneTimeTokenStatusById``: 404 for an unknown id, then never back to ``active``."""
        with self._lock:
            row = self._rows.get(token_id)
            if row is None:
                raise LogtoError("entity.not_exists_with_id", 404, name=TABLE, id=token_id)
            return self._set(row, status)

    @staticmethod
    def _set(row: OneTimeToken, status: str) -> OneTimeToken:
        if status == "active":
            raise LogtoError("one_time_token.cannot_reactivate_token")
        row.status = status
        return replace(row)

    def _check(self, token: str, email: str, event: str | None) -> OneTimeToken:
        row = self._by_token(token)
        if row.email != email:
            raise LogtoError("one_time_token.email_mismatch")
        if row.expires_at <= self.now_ms() or row.status == "expired":
            if row.status == "active":
                row.status = "expired"
            raise LogtoError("one_time_token.token_expired")
        if row.status == "consumed":
            raise LogtoError("one_time_token.token_consumed")
        if row.status == "revoked":
            raise LogtoError("one_time_token.token_revoked")
        wanted = row.context.get("interactionEvent")
        if event is not None and wanted is not None and wanted != event:
            raise LogtoError("one_time_token.interaction_event_mismatch")
        return row

    def check(self, token: str, email: str, event: str | None = None) -> OneTimeToken:
        """``checkOneTimeToken``: the token if it may be used by ``email`` (for ``event``), else Logto's
        refusal."""
        with self._lock:
            return replace(self._check(token, email, event))

    def verify(self, token: str, email: str, event: str | None = None) -> OneTimeToken:
        """``verifyOneTimeToken``: :meth:`check`, then consume the token (one step under the lock, so
        two concurrent uses cannot both pass)."""
        with self._lock:
            return self._set(self._check(token, email, event), "consumed")

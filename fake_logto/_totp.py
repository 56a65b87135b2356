"""TOTP (RFC 6238, through ``pyotp``) and backup codes, as Logto makes and checks them, on the tenant clock.

Follows ``packages/core/src/libraries/verification-helpers/totp-validation.ts`` (otplib's
``authenticator``: a 20-byte base32 secret, 6 digits, 30-second steps, SHA-1, a window of one step either
side; a used code's time step is remembered so it cannot be replayed) and ``backup-code-validation.ts``
(10 codes of 10 characters from ``0123456789abcdef``). The QR code is a PNG data URL (``segno``) of
otplib's ``keyuri`` (``@otplib/core``), as ``qrcode.toDataURL`` answers it.
"""

from __future__ import annotations

import base64
import re
import secrets
from urllib.parse import quote

import pyotp

STEP = 30  # seconds (otplib's default)
DIGITS = 6
WINDOW = 1  # authenticator.options = { window: 1 }
SECRET_BYTES = 20
BACKUP_CODE_COUNT, BACKUP_CODE_LENGTH, BACKUP_CODE_ALPHABET = 10, 10, "0123456789abcdef"
_SECRET_RE = re.compile(
    r"^(?:[2-7A-Z]{8})*(?:[2-7A-Z]{2}={6}|[2-7A-Z]{4}={4}|[2-7A-Z]{5}={3}|[2-7A-Z]{7}=)?$"
)
_BACKUP_CODE_RE = re.compile(r"^[\da-f]{10}$", re.IGNORECASE)


class _Totp(pyotp.TOTP):
    """otplib sets no minimum length; Logto's ``validateTotpSecret`` asks 16 base32 characters (80 bits)
    of imported secrets, and pyotp's NIST default (112 bits) would refuse those."""

    min_secret_length_bits = 80


def generate_secret() -> str:
    """``authenticator.generateSecret(20)``: 20 random bytes in base32, no padding (32 characters)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def valid_secret(secret: str) -> bool:
    """``validateTotpSecret``: 16 to 32 characters of base32."""
    return 16 <= len(secret) <= 32 and _SECRET_RE.fullmatch(secret) is not None


def code_at(secret: str, now: float) -> str:
    """The code of ``secret`` at ``now`` (epoch seconds): what an authenticator app shows."""
    return _Totp(secret, digits=DIGITS, interval=STEP).at(now)


def time_step(secret: str, code: str, now: float) -> int | None:
    """``getTotpTokenTimeStep``: the time step ``code`` belongs to, within the window around ``now``;
    None when it is no code of ``secret`` (or ``secret`` is no base32)."""
    try:
        totp = _Totp(secret, digits=DIGITS, interval=STEP)
        current = totp.timecode(now)
        for delta in range(-WINDOW, WINDOW + 1):  # otplib's checkDelta: the window either side
            if secrets.compare_digest(totp.generate_otp(current + delta), code):
                return current + delta
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        return None
    return None


def key_uri(account: str, issuer: str, secret: str) -> str:
    """otplib's ``keyuri(accountName, issuer, secret)`` with the authenticator's options."""

    def component(value: str) -> str:  # encodeURIComponent
        return quote(value, safe="-_.!~*'()")

    query = f"&period={STEP}&digits={DIGITS}&algorithm=SHA1&issuer={component(issuer)}"
    return f"otpauth://totp/{component(issuer)}:{component(account)}?secret={secret}{query}"


def qr_data_url(uri: str) -> str:
    """``qrcode.toDataURL(uri)``: a ``data:image/png;base64,…`` QR code (4 modules of quiet zone)."""
    import segno  # loaded by the first QR code: reading a config (harness up, before its app starts) needs none

    return segno.make(uri, error="m").png_data_uri(scale=4, border=4)


def generate_backup_codes() -> list[str]:
    """``generateBackupCodes``."""
    return [
        "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(BACKUP_CODE_COUNT)
    ]


def valid_backup_codes(codes: list[str]) -> bool:
    """``validateBackupCodes``: ten codes of ten hex digits."""
    return len(codes) == BACKUP_CODE_COUNT and all(_BACKUP_CODE_RE.fullmatch(code) for code in codes)

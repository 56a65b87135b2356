"""Random identifiers: strings drawn from an alphabet with the OS's CSPRNG (ids, one-time codes)."""

from __future__ import annotations

import functools
import secrets
import string

_ID_ALPHABET = string.ascii_lowercase + string.digits


@functools.cache
def _drawing(alphabet: str) -> tuple[bytes, bytes]:
    """For :func:`random_string`: the byte table mapping ``b`` to ``alphabet[b % len(alphabet)]``, and the
    bytes to drop (those at or above the largest multiple of ``len(alphabet)`` that fits in a byte)."""
    size = len(alphabet)
    if not 0 < size <= 256 or not alphabet.isascii():
        raise ValueError("an alphabet of 1 to 256 ASCII characters")
    kept = 256 - 256 % size
    table = bytes(ord(alphabet[b % size]) for b in range(256))
    return table, bytes(range(kept, 256))


def random_string(alphabet: str, length: int) -> str:
    """``length`` characters of ``alphabet``, each drawn uniformly and independently (what as many
    ``secrets.choice(alphabet)`` give) from one read of the OS's CSPRNG rather than one per character:
    bytes that would favour the first characters (those past the last whole multiple of the alphabet's
    size) are dropped and more are read (rejection sampling), the rest map to ``alphabet[b % size]``."""
    table, dropped = _drawing(alphabet)
    drawn = b""
    while len(drawn) < length:
        drawn += secrets.token_bytes(length - len(drawn) + 2).translate(table, dropped)
    return drawn[:length].decode("ascii")


def new_id(length: int = 12) -> str:
    """Logto-style ids: lower-case alphanumerics."""
    return random_string(_ID_ALPHABET, length)

"""Passwords as Logto stores and checks them: the ``password_encrypted`` / ``password_encryption_method``
columns of ``users`` (``packages/schemas/tables/users.sql``, ``UsersPasswordEncryptionMethod``).

A password Logto sets itself is Argon2i with the parameters of ``packages/core/src/workers/tasks/argon2i.ts``
(16-byte random salt, ``t=8``, ``m=8192`` KiB, ``p=1``, 32-byte hash, PHC-encoded). A digest imported with
``POST /api/users`` (``passwordDigest`` + ``passwordAlgorithm``) is kept as given and checked as
``libraries/user-password-verification.ts`` checks it: Argon2i/Argon2id/Argon2d by the encoded string's own
type (argon2-cffi), MD5/SHA1/SHA256 as the lower-case hex digest of the password, Bcrypt (``bcrypt``), and
Legacy: the JSON ``["<algorithm>", [<args with "@">], "<hash>"]`` of ``utils/password.ts`` — an OpenSSL digest
of the args joined with ``@`` replaced by the password (``crypto.createHash``; here ``hashlib.new``, which
names OpenSSL's digests the same way), ``pbkdf2``/``pbkdf2Sync`` (``[salt, iterations, keylen, digest]``, a
``hex:`` salt decoded) or ``firebase-scrypt`` (``utils/firebase-scrypt.ts``). A successful check of any other
method re-encrypts the password as Argon2i (``libraries/user.ts``'s ``verifyUserPassword``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from typing import Any, Protocol

import bcrypt
from argon2.exceptions import Argon2Error
from argon2.low_level import Type, hash_secret, verify_secret

from ._errors import LogtoError

ARGON2I = "Argon2i"
METHODS = ("Argon2i", "Argon2id", "Argon2d", "SHA1", "SHA256", "MD5", "Bcrypt", "Legacy")
_ARGON2_TYPES = {"$argon2id$": Type.ID, "$argon2i$": Type.I, "$argon2d$": Type.D}
_HEX_DIGESTS = {"MD5": "md5", "SHA1": "sha1", "SHA256": "sha256"}
_PBKDF2 = ("pbkdf2", "pbkdf2Sync")
_FIREBASE_SCRYPT = "firebase-scrypt"


def hash_password(password: str) -> str:
    """``argon2iEncrypt``: the Argon2i PHC string Logto stores for a password it sets."""
    encoded = hash_secret(
        password.encode(),
        secrets.token_bytes(16),
        time_cost=8,
        memory_cost=8 * 1024,
        parallelism=1,
        hash_len=32,
        type=Type.I,
    )
    return encoded.decode()


def _argon2_matches(password: str, encoded: str) -> bool:
    kind = next((t for prefix, t in _ARGON2_TYPES.items() if encoded.startswith(prefix)), None)
    if kind is None:
        return False
    try:
        return verify_secret(encoded.encode(), password.encode(), kind)
    except (Argon2Error, ValueError):
        return False


def check_password(password: str, encoded: str | None, method: str | None = ARGON2I) -> bool:
    """``isPasswordValid``: ``password`` against the stored ``encoded`` of ``method``."""
    if not encoded or not method:
        return False
    if method.startswith("Argon2"):
        return _argon2_matches(password, encoded)
    if method in _HEX_DIGESTS:
        return hmac.compare_digest(hashlib.new(_HEX_DIGESTS[method], password.encode()).hexdigest(), encoded)
    if method == "Bcrypt":
        try:
            return bcrypt.checkpw(password.encode(), encoded.encode())
        except ValueError:
            return False
    if method == "Legacy":
        try:
            algorithm, args, expected = parse_legacy(encoded)
            return hmac.compare_digest(_legacy_hash(algorithm, args, password), expected)
        except (LogtoError, ValueError, TypeError, OverflowError):
            return False
    return False


class PasswordHolder(Protocol):
    """A user's two password columns."""

    password_encrypted: str | None
    password_encryption_method: str | None


def verify_user_password(user: PasswordHolder, password: str) -> bool:
    """``verifyUserPassword`` (``libraries/user.ts``): whether ``password`` is the user's; a match stored
    by another method than Argon2i is re-encrypted as Argon2i. Slow by design: run it off the event loop."""
    method = user.password_encryption_method
    if not check_password(password, user.password_encrypted, method):
        return False
    if method != ARGON2I:
        user.password_encrypted, user.password_encryption_method = hash_password(password), ARGON2I
    return True


# --- Legacy digests (utils/password.ts) -----------------------------------------------------------------
def _hash_algorithm_exists(algorithm: str) -> bool:
    if algorithm in _PBKDF2 or algorithm == _FIREBASE_SCRYPT:
        return True
    if "_" in algorithm or algorithm in ("blake2b", "blake2s"):  # Python's own aliases, not OpenSSL names
        return False
    try:
        hashlib.new(algorithm)
    except (ValueError, TypeError):
        return False
    return True


def _pbkdf2_salt(salt: str) -> bytes:
    """``parsePbkdf2Salt``: ``hex:<even-length hex>`` decoded, else the string's bytes."""
    if not salt.startswith("hex:"):
        return salt.encode()
    if not re.fullmatch(r"(?:[0-9a-fA-F]{2})+", salt[4:]):
        raise LogtoError("password.invalid_legacy_password_format", 400)
    return bytes.fromhex(salt[4:])


def parse_legacy(digest: str | None) -> tuple[str, list[str], str]:
    """``parseLegacyPassword``: the ``[algorithm, args, hash]`` a Legacy digest holds, or Logto's 400."""
    if not digest:
        raise LogtoError("password.unsupported_encryption_method", 400)
    try:
        parsed: Any = json.loads(digest)
    except ValueError:
        parsed = None
    if not (
        isinstance(parsed, list)
        and len(parsed) == 3
        and isinstance(parsed[0], str)
        and isinstance(parsed[1], list)
        and all(isinstance(a, str) for a in parsed[1])
        and "@" in parsed[1]
        and isinstance(parsed[2], str)
    ):
        raise LogtoError("password.invalid_legacy_password_format", 400)
    algorithm, args, expected = parsed
    if not _hash_algorithm_exists(algorithm):
        raise LogtoError("password.unsupported_legacy_hash_algorithm", 400, algorithm=algorithm)
    if algorithm in _PBKDF2 and args:
        _pbkdf2_salt(args[0])
    return algorithm, args, expected


def _leading_int(text: str) -> int:
    """``Number.parseInt(text, 10)`` for the values it turns into a number."""
    found = re.match(r"\s*([+-]?\d+)", text)
    if found is None:
        raise ValueError(text)
    return int(found.group(1))


def _b64(text: str) -> bytes:
    return base64.b64decode(text.replace("-", "+").replace("_", "/") + "=" * (-len(text) % 4))


def _firebase_scrypt(args: list[str], password: str) -> str:
    """``executeFirebaseScryptHash``: scrypt over salt + separator, then AES-256-CTR of the signer key."""
    if len(args) < 5 or not all(args[:5]):
        raise LogtoError("password.invalid_legacy_password_format", 400)
    salt, signer_key, separator, rounds, mem_cost = args[:5]
    key = hashlib.scrypt(
        password.encode(),
        salt=_b64(salt) + _b64(separator),
        n=2 ** _leading_int(mem_cost),
        r=_leading_int(rounds),
        p=1,
        maxmem=2**31 - 1,
        dklen=32,
    )
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes  # not at start

    encryptor = Cipher(algorithms.AES(key), modes.CTR(bytes(16))).encryptor()
    return base64.b64encode(encryptor.update(_b64(signer_key)) + encryptor.finalize()).decode()


def _legacy_hash(algorithm: str, args: list[str], password: str) -> str:
    """``executeLegacyHash``."""
    if algorithm == _FIREBASE_SCRYPT:
        return _firebase_scrypt(args, password)
    resolved = [password if a == "@" else a for a in args]
    if algorithm in _PBKDF2:
        if len(resolved) < 4 or not all(resolved[:4]):
            raise LogtoError("password.invalid_legacy_password_format", 400)
        salt, iterations, keylen, digest = resolved[:4]
        derived = hashlib.pbkdf2_hmac(
            digest, password.encode(), _pbkdf2_salt(salt), _leading_int(iterations), _leading_int(keylen)
        )
        return derived.hex()
    return hashlib.new(algorithm, "".join(resolved).encode()).hexdigest()


__all__ = [
    "ARGON2I", "METHODS", "PasswordHolder", "check_password", "hash_password", "parse_legacy", "verify_user_password",
]  # fmt: skip

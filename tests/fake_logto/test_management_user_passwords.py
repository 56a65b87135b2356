"""Users' passwords and the user body over the Management API, as Logto's ``routes/admin-user/basics.ts``,
``utils/user.ts`` (``transpileAdminUserProfileResponse``), ``utils/password.ts`` and
``libraries/user-password-verification.ts``: Argon2i for what Logto encrypts, imported digests verified by
their method (and migrated to Argon2i once they match), ``includePasswordHash``/``includeSsoIdentities``,
and each refusal with Logto's status and body."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import argon2
import bcrypt
import httpx
import pytest
from logto_support import auth_url, password_sign_in
from management_support import logto_error

from fake_logto import Running

MD5_OF_PASSWORD = "5f4dcc3b5aa765d61d8327deb882cf99"  # Logto's admin-user.test.ts
# Logto's packages/core/src/utils/password.test.ts: a Firebase scrypt export of "user1password".
FIREBASE = json.dumps([
    "firebase-scrypt",
    ["42xEC+ixf3L2lw==", "jxspr8Ki0RYycVU8zykbdLGjFQ3McFUH0uiiTvC8pVMXAn210wjLNmdZJzxUECKbm0QsEmYUSDzZvpjeJ9WmXA==",
     "Bw==", "8", "14", "@"],
    "lSrfV15cpx95/sZS2W9c9Kp6i/LVgQNDNC/qzrCnh1SAyZvqmZqAjTdn3aoItz+VHjoZilo78198JAdRuid5lQ==",
])  # fmt: skip


def _user(api: httpx.Client, **body: Any) -> dict[str, Any]:
    response = api.post("/users", json=body)
    assert response.status_code == 200, response.text
    created: dict[str, Any] = response.json()
    return created


def _verify(api: httpx.Client, user_id: str, password: str) -> int:
    return api.post(f"/users/{user_id}/password/verify", json={"password": password}).status_code


def _digests(password: str) -> list[tuple[str, str]]:
    pbkdf2 = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex("80ff00414243"), 1000, 32).hex()
    return [
        ("MD5", hashlib.md5(password.encode()).hexdigest()),
        ("SHA1", hashlib.sha1(password.encode()).hexdigest()),
        ("SHA256", hashlib.sha256(password.encode()).hexdigest()),
        ("Bcrypt", bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()),
        ("Argon2id", argon2.PasswordHasher(time_cost=1, memory_cost=64).hash(password)),
        ("Argon2d", argon2.PasswordHasher(time_cost=1, memory_cost=64, type=argon2.Type.D).hash(password)),
        ("Argon2i", argon2.PasswordHasher(time_cost=1, memory_cost=64, type=argon2.Type.I).hash(password)),
        ("Legacy", json.dumps(["sha1", ["prefix", "@", "suffix"], hashlib.sha1(
            f"prefix{password}suffix".encode()).hexdigest()])),
        ("Legacy", json.dumps(["pbkdf2", ["hex:80ff00414243", "1000", "32", "sha256", "@"], pbkdf2])),
    ]  # fmt: skip


def test_a_password_logto_sets_is_argon2i_and_shown_only_when_asked(api: httpx.Client) -> None:
    user = _user(api, username="hashed", password="a long password")
    assert "passwordDigest" not in user
    assert "ssoIdentities" not in user
    plain = api.get(f"/users/{user['id']}").json()
    assert plain["hasPassword"] is True
    assert "passwordDigest" not in plain
    assert "passwordAlgorithm" not in plain
    assert "ssoIdentities" not in plain
    shown = api.get(f"/users/{user['id']}", params={"includePasswordHash": "TRUE"}).json()
    assert shown["passwordAlgorithm"] == "Argon2i"
    assert shown["passwordDigest"].startswith("$argon2i$v=19$m=8192,t=8,p=1$")  # workers/tasks/argon2i.ts
    assert api.get(f"/users/{user['id']}", params={"includePasswordHash": "no"}).json() == plain
    sso = api.get(f"/users/{user['id']}", params={"includeSsoIdentities": "1"}).json()
    assert sso["ssoIdentities"] == []

    none = _user(api, username="no_password")
    shown = api.get(f"/users/{none['id']}", params={"includePasswordHash": "true"}).json()
    assert (shown["hasPassword"], shown["passwordDigest"], shown["passwordAlgorithm"]) == (False, None, None)
    listed = api.get("/users", params={"search.username": "%hashed%", "includePasswordHash": "yes"}).json()
    assert [u["passwordAlgorithm"] for u in listed] == ["Argon2i"]
    assert all("passwordDigest" not in u for u in api.get("/users").json())


_SAMPLES = _digests("s3cret pass")


# Ids by position and algorithm: the digests carry random salts, and xdist's workers must collect the same ids.
@pytest.mark.parametrize(
    ("algorithm", "digest"), _SAMPLES, ids=[f"{i}-{algorithm}" for i, (algorithm, _) in enumerate(_SAMPLES)]
)
def test_an_imported_digest_verifies_then_becomes_argon2i(
    api: httpx.Client, algorithm: str, digest: str
) -> None:
    user = _user(api, passwordDigest=digest, passwordAlgorithm=algorithm)
    assert user["hasPassword"] is True
    stored = api.get(f"/users/{user['id']}", params={"includePasswordHash": "true"}).json()
    assert (stored["passwordDigest"], stored["passwordAlgorithm"]) == (digest, algorithm)
    assert _verify(api, user["id"], "wrong pass") == 422
    assert _verify(api, user["id"], "s3cret pass") == 204
    migrated = api.get(f"/users/{user['id']}", params={"includePasswordHash": "true"}).json()
    assert migrated["passwordAlgorithm"] == "Argon2i"
    assert migrated["passwordDigest"].startswith("$argon2i$")
    assert _verify(api, user["id"], "s3cret pass") == 204


def test_a_firebase_scrypt_export_verifies(api: httpx.Client) -> None:
    user = _user(api, passwordDigest=FIREBASE, passwordAlgorithm="Legacy")
    logto_error(
        api.post(f"/users/{user['id']}/password/verify", json={"password": "wrong-password"}),
        422,
        "session.invalid_credentials",
        "Incorrect account or password. Please check your input.",
    )
    assert _verify(api, user["id"], "user1password") == 204


def test_a_user_with_an_imported_digest_signs_in(api: httpx.Client, mgmt: Running) -> None:
    _user(api, primaryEmail="md5@example.test", passwordDigest=MD5_OF_PASSWORD, passwordAlgorithm="MD5")
    callback = password_sign_in(mgmt.endpoint, auth_url(mgmt), "md5@example.test", "password")
    assert "code=" in callback


DIGEST_REFUSALS = [
    ({"passwordDigest": "a" * 257, "passwordAlgorithm": "MD5"}, 400, "guard.invalid_input", None),
    ({"passwordDigest": "a", "passwordAlgorithm": "md5"}, 400, "guard.invalid_input", None),
    ({"password": "p", "passwordDigest": "a", "passwordAlgorithm": "MD5"}, 400, "user.password_and_digest",
     "You cannot set both plain text password and password digest."),
    ({"passwordDigest": "a"}, 400, "user.password_algorithm_required", "Password algorithm is required."),
    ({"passwordAlgorithm": "Legacy"}, 400, "password.unsupported_encryption_method",
     "The encryption method {{name}} is not supported."),
    ({"passwordDigest": "not json", "passwordAlgorithm": "Legacy"}, 400,
     "password.invalid_legacy_password_format", "Invalid legacy password format."),
    ({"passwordDigest": '["sha256", ["salt"], "x"]', "passwordAlgorithm": "Legacy"}, 400,
     "password.invalid_legacy_password_format", "Invalid legacy password format."),
    ({"passwordDigest": '["pbkdf2", ["hex:zz", "1", "2", "sha256", "@"], "x"]', "passwordAlgorithm": "Legacy"},
     400, "password.invalid_legacy_password_format", "Invalid legacy password format."),
    ({"passwordDigest": '["invalid_algo", ["@"], "x"]', "passwordAlgorithm": "Legacy"}, 400,
     "password.unsupported_legacy_hash_algorithm", "Unsupported legacy hash algorithm: invalid_algo."),
]  # fmt: skip


@pytest.mark.parametrize(("body", "status", "code", "message"), DIGEST_REFUSALS)
def test_digest_refusals(
    api: httpx.Client, body: dict[str, Any], status: int, code: str, message: str | None
) -> None:
    logto_error(api.post("/users", json=body), status, code, message)
    assert api.get("/users").headers["Total-Number"] == "1"  # only the configured user


def test_a_legacy_digest_is_checked_after_the_identifiers(api: httpx.Client) -> None:
    _user(api, username="taken")
    body = {"username": "taken", "passwordDigest": "not json", "passwordAlgorithm": "Legacy"}
    logto_error(api.post("/users", json=body), 422, "user.username_already_in_use")

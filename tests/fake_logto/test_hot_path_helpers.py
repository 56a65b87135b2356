"""The sign-in flow's per-request helpers written for speed give what the slower originals gave: ids and
codes drawn uniformly from their alphabet, cookies signed as keygrip signs, Set-Cookie headers as
starlette writes them."""

from __future__ import annotations

import base64
import collections
import hashlib
import hmac
import random
import string

import pytest
from starlette.responses import Response

from fake_logto import _cookies
from fake_logto._codes import new_code
from fake_logto._ids import random_string
from fake_logto._store import new_id

ID_ALPHABET = string.ascii_lowercase + string.digits


def test_ids_and_codes_have_their_length_and_alphabet() -> None:
    for length in (0, 1, 12, 21, 64):
        assert len(new_id(length)) == length
        assert set(new_id(length)) <= set(ID_ALPHABET)
        assert len(new_code(length)) == length
        assert set(new_code(length)) <= set(string.digits)
    assert len({new_id(21) for _ in range(1000)}) == 1000


@pytest.mark.parametrize("alphabet", [ID_ALPHABET, string.digits, "ab", "abc", "x"])
def test_random_string_draws_every_character_equally_often(alphabet: str) -> None:
    """A chi-square test of 60 000 draws: a bias as small as rejection sampling's absence would give
    (the alphabet's first 256 % n characters drawn (k+1)/k times as often) fails it."""
    draws = 60_000
    counts = collections.Counter(random_string(alphabet, draws))
    assert set(counts) == set(alphabet)
    expected = draws / len(alphabet)
    chi2 = sum((counts[c] - expected) ** 2 / expected for c in alphabet)
    # 99.99th percentile of chi-square with 35 degrees of freedom is about 77; fewer dof, lower.
    assert chi2 < 80, counts


def test_random_string_rejects_an_alphabet_it_cannot_draw_from() -> None:
    with pytest.raises(ValueError, match="alphabet"):
        random_string("", 3)
    with pytest.raises(ValueError, match="alphabet"):
        random_string("é", 3)


def test_sign_is_keygrips_hmac_sha1_url_safe_base64() -> None:
    rng = random.Random(7)
    randoms = [
        ("_session", "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 200))))
        for _ in range(200)
    ]
    for name, value in [
        ("_interaction", "abc"),
        ("_session", new_id(21)),
        ("x", ""),
        ("é", "ü" * 70),
        *randoms,
    ]:
        digest = hmac.new(_cookies._KEY, f"{name}={value}".encode(), hashlib.sha1).digest()
        expected = base64.b64encode(digest).decode().replace("/", "_").replace("+", "-").rstrip("=")
        assert _cookies.sign(name, value) == expected


def _starlette_set(name: str, value: str, max_age: int, path: str) -> list[tuple[bytes, bytes]]:
    response = Response()
    response.raw_headers.clear()
    for cookie, content in ((name, value), (name + _cookies.SIG, _cookies.sign(name, value))):
        response.set_cookie(cookie, content, max_age=max_age, path=path, httponly=True, samesite="lax")
    return response.raw_headers


VALUES = [
    "2kzturmgkm6e55u7shmyf",
    "a",
    "a b",
    'qu"ote',
    "semi;colon",
    "comma,",
    "back\\slash",
    "é",
    "tab\t",
    "~!#$%&'*+-.^_`|:",
]
PATHS = ["/", "/oidc/auth/2kzturmgkm6e55u7shmyf", "/a b", "/x;y", "/ü"]


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("path", PATHS)
def test_set_signed_writes_starlettes_headers(value: str, path: str) -> None:
    for name in (_cookies.INTERACTION, _cookies.RESUME, _cookies.SESSION):
        response = Response()
        response.raw_headers.clear()
        _cookies.set_signed(response, name, value, max_age=3600, path=path)
        assert response.raw_headers == _starlette_set(name, value, 3600, path)


def test_set_signed_matches_starlette_on_random_values() -> None:
    rng = random.Random(20)
    characters = string.printable + "éü€"
    for _ in range(2000):
        value = "".join(rng.choice(characters) for _ in range(rng.randint(1, 12)))
        path = "/" + "".join(rng.choice(characters) for _ in range(rng.randint(0, 8)))
        max_age = rng.choice([1, 60, 3600, 1_209_600])
        response = Response()
        response.raw_headers.clear()
        try:
            expected = _starlette_set(_cookies.SESSION, value, max_age, path)
        except Exception as exc:  # http.cookies refused it: so must we
            with pytest.raises(type(exc)):
                _cookies.set_signed(response, _cookies.SESSION, value, max_age=max_age, path=path)
            continue
        _cookies.set_signed(response, _cookies.SESSION, value, max_age=max_age, path=path)
        assert response.raw_headers == expected, (value, path)

"""The password policy: the ``passwordPolicy`` column of the sign-in experience and its checker.

Follows ``@logto/core-kit``'s ``password-policy.ts`` (``passwordPolicyGuard``, ``PasswordPolicyChecker``)
and its use by core's ``routes/experience/classes/libraries/password-validator.ts``
(``PasswordValidator.validatePassword``: 422 ``password.rejected`` with the issues as ``data``).

:func:`parse_column` is the column's guard, ``partialPasswordPolicyGuard`` (``passwordPolicyGuard
.deepPartial()``, ``packages/schemas/src/foundations/jsonb-types/logs.ts``): every key may be absent, but
a sub-object that is given has its own defaults filled (zod's ``deepPartial`` does not reach through
``.default()``), unknown keys are stripped. :func:`issues` is ``PasswordPolicyChecker.check``: length,
character types, the pwned list, then repetition, sequences, words and user info, which reject only
when they cover more than all but three characters of the password. Lengths count UTF-16 code units as
JavaScript does.

The pwned check: Logto asks ``api.pwnedpasswords.com`` (a k-anonymity range query) unless
``INTEGRATION_TEST`` is on, when it takes core-kit's fixed list (``utils/integration-test.ts``
``getPwnPasswordsForTest``: ``123456aA``, ``test_password``). The fake never goes online, so it always
takes that fixed list — Logto's answer under ``INTEGRATION_TEST`` (the mode its dev-mode switch stands
for). Outside it, Logto's answer depends on the range API: a network failure rejects the check's promise,
which ``validatePassword`` does not catch (a 500), while an error *response* is read as a body without
the hash (not pwned: fail-open). The fake answers like the latter for every password off the fixed list;
see ``conformance/differences.md``.
"""

from __future__ import annotations

from typing import Any

from . import _guards

SYMBOLS = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ "  # PasswordPolicyChecker.symbols
SEQUENCES = (
    "0123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm",
    "1qaz", "2wsx", "3edc", "4rfv", "5tgb", "6yhn", "7ujm", "8ik", "9ol",
)  # fmt: skip
_SEARCHED = tuple(form for seq in SEQUENCES for form in (seq, seq[::-1], seq.upper(), seq[::-1].upper()))
THRESHOLD = 3  # repetitionAndSequenceThreshold
TOLERANCE = 3  # restrictedPhrasesTolerance
PWNED_FOR_TEST = ("123456aA", "test_password")  # getPwnPasswordsForTest

# passwordPolicyGuard: section -> key -> (kind, default, minimum, maximum)
_SCHEMA: dict[str, dict[str, tuple[str, Any, int | None, int | None]]] = {
    "length": {"min": ("int", 8, 1, None), "max": ("int", 256, 1, None)},
    "characterTypes": {"min": ("int", 1, 1, 4)},
    "rejects": {
        "pwned": ("bool", True, None, None),
        "repetitionAndSequence": ("bool", True, None, None),
        "userInfo": ("bool", True, None, None),
        "words": ("words", [], None, None),
    },
}


def _member(given: dict[str, Any], path: str, kind: str, minimum: int | None, maximum: int | None) -> Any:
    """One given member of a section: ``z.number().int()``, ``z.boolean()`` or ``z.string().array()``."""
    if kind == "int":
        return _guards.number(given, path, minimum=minimum, maximum=maximum)
    if kind == "bool":
        return _guards.field(given, path, bool)
    words: list[Any] = _guards.field(given, path, list)
    for i, word in enumerate(words):
        _guards.field({str(i): word}, f"{path}.{i}", str)
    return list(words)


def parse_column(body: dict[str, Any], path: str = "passwordPolicy") -> dict[str, Any]:
    """``partialPasswordPolicyGuard`` over ``body[path]``: the value the column stores."""
    policy = _guards.field(body, path, dict)
    parsed: dict[str, Any] = {}
    for section, keys in _SCHEMA.items():
        if section not in policy:
            continue
        given = _guards.field(policy, f"{path}.{section}", dict)
        parsed[section] = {
            key: _member(given, f"{path}.{section}.{key}", kind, minimum, maximum)
            if key in given
            else (list(default) if isinstance(default, list) else default)
            for key, (kind, default, minimum, maximum) in keys.items()
        }
    return parsed


def full(policy: dict[str, Any]) -> dict[str, Any]:
    """``passwordPolicyGuard.parse``: the stored partial policy with every default filled."""
    return {
        section: {key: policy.get(section, {}).get(key, spec[1]) for key, spec in keys.items()}
        for section, keys in _SCHEMA.items()
    }


def _js_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _char_types(password: str, minimum: int) -> bool | None:
    """checkCharTypes: enough types, or ``None`` for an unsupported character."""
    kinds = set()
    for char in password:
        if "a" <= char <= "z":
            kinds.add("lowercase")
        elif "A" <= char <= "Z":
            kinds.add("uppercase")
        elif "0" <= char <= "9":
            kinds.add("digits")
        elif char in SYMBOLS:
            kinds.add("symbols")
        else:
            return None
    return len(kinds) >= minimum


def _repetition(text: str) -> int:
    first = text[:1]
    length = len(text) - len(text.lstrip(first)) if first else 0
    return length if length >= THRESHOLD else 0


def _sequence(text: str) -> int:
    value = ""
    for char in text:
        if value and not any(value + char in form for form in _SEARCHED):
            break
        value += char
    return len(value) if len(value) >= THRESHOLD else 0


def _words(text: str, words: list[str]) -> int:
    lowered = text.lower()
    return max((len(w) for w in words if lowered.startswith(w.lower())), default=0)


def _user_info(text: str, info: dict[str, str | None]) -> int:
    """userInfoLength: the longest piece of the user's name, username, email prefix or phone."""
    lowered, found = text.lower(), [0]
    name, username, email, phone = (info.get(k) for k in ("name", "username", "email", "phoneNumber"))
    if name:
        if lowered.startswith(name.lower()):
            found.append(len(name))
        else:
            joined = "".join(name.split())
            if lowered.startswith(joined.lower()):
                found.append(len(joined))
            found += [len(word) for word in name.split(" ") if lowered.startswith(word.lower())]
    if username and lowered.startswith(username.lower()):
        found.append(len(username))
    prefix = email.split("@")[0] if email else ""
    if prefix and lowered.startswith(prefix.lower()):
        found.append(len(prefix))
    if phone and lowered.startswith(phone):
        found.append(len(phone))
    return max(found)


def issues(stored: dict[str, Any], password: str, user_info: dict[str, str | None]) -> list[dict[str, Any]]:
    """``PasswordPolicyChecker.check`` under the stored policy; ``user_info`` is ``{name, username, email,
    phoneNumber}`` (ignored unless ``rejects.userInfo``, as ``validatePassword`` passes ``{}`` then)."""
    policy = full(stored)
    length, minimum, maximum = _js_length(password), policy["length"]["min"], policy["length"]["max"]
    found: list[dict[str, Any]] = []
    if length < minimum:
        found.append({"code": "password_rejected.too_short", "interpolation": {"min": minimum}})
    elif length > maximum:
        found.append({"code": "password_rejected.too_long", "interpolation": {"max": maximum}})
    types = _char_types(password, policy["characterTypes"]["min"])
    if types is None:
        found.append({"code": "password_rejected.unsupported_characters"})
    elif not types:
        found.append(
            {"code": "password_rejected.character_types", "interpolation": dict(policy["characterTypes"])}
        )
    rejects = policy["rejects"]
    if rejects["pwned"] and password in PWNED_FOR_TEST:
        found.append({"code": "password_rejected.pwned"})
    flagged = [False] * len(password)
    codes: dict[str, None] = {}  # insertion-ordered, as the checker's Set
    for i in range(len(password)):
        rest = password[i:]
        spans: list[tuple[int, str]] = []
        if rejects["repetitionAndSequence"]:
            spans += [(_repetition(rest), "restricted.repetition"), (_sequence(rest), "restricted.sequence")]
        if rejects["words"]:
            spans.append((_words(rest, rejects["words"]), "restricted.words"))
        if rejects["userInfo"]:
            spans.append((_user_info(rest, user_info), "restricted.user_info"))
        for span, code in spans:
            if span > 0:
                flagged[i : i + span] = [True] * len(flagged[i : i + span])
                codes[code] = None
    if sum(flagged) > max(1, len(password) - TOLERANCE):
        found += [{"code": f"password_rejected.{code}"} for code in codes]
    return found

"""The Management API's list search: Logto's ``packages/core/src/utils/search.ts``
(``parseSearchParamsForSearch`` and ``buildConditionsFromSearch``) over in-memory records.

Query keys starting ``search`` carry values (``search`` for every search field, ``search.<field>`` for one;
exact mode takes several values, the other modes one), keys starting ``mode`` the match mode (``exact``,
``like`` — the default —, ``similar_to``, ``posix``; ``mode.<field>`` for one field), ``joint`` (or
``jointMode``: ``or``, the default, or ``and``) joins the per-field conditions, ``isCaseSensitive``
(``@silverhand/essentials``' ``yes``) picks ``~~``/``~`` over ``~~*``/``~*`` and an exact match on the
raw value over ``lower()``; ``similar_to`` must be case-sensitive. A field is named as the route's
columns (camelCase is snake-cased, as the ``snake-case`` package does). Every refusal is Logto's
``TypeError`` turned into 400 ``request.invalid_input`` with the text in the message and ``data: {}``
(the error object as JSON). Values match as Postgres matches them: ``LIKE`` patterns (``%``, ``_``,
``\\`` escapes) and ``SIMILAR TO`` on the whole value, POSIX expressions anywhere in it (Python's ``re``
standing in for Postgres' regex engine; an expression ``re`` cannot compile is refused the same way).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from starlette.datastructures import QueryParams

from ._errors import LogtoError

MODES = ("exact", "like", "similar_to", "posix")  # SearchMatchMode
JOINTS = ("or", "and")  # SearchJointMode
YES = ("true", "1", "yes", "y", "yeah", "yep", "yup")


def invalid_input(details: str, *, data: bool = True) -> LogtoError:
    """Logto's ``RequestError({code: 'request.invalid_input', details}, typeError)``."""
    return LogtoError("request.invalid_input", 400, {} if data else None, reason=details)


@dataclass(frozen=True)
class Match:
    mode: str
    field: str | None
    values: tuple[str, ...]


@dataclass(frozen=True)
class Search:
    matches: tuple[Match, ...]
    joint: str
    case_sensitive: bool


def snake_case(name: str) -> str:
    """The ``snake-case`` package: split at case changes and non-alphanumerics, lower-case, join by ``_``."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1\0\2", name)
    name = re.sub(r"([A-Z])([A-Z][a-z])", r"\1\0\2", name)
    name = re.sub(r"[^A-Za-z0-9]+", "\0", name).strip("\0")
    return "_".join(part.lower() for part in name.split("\0") if part)


def _field(key: str) -> str | None:
    path = key.split(".")
    if len(path) > 2:
        nested = ".".join(path[1:])
        raise invalid_input(
            f"Unsupported nested search field path `{nested}` detected. Only the first level field is supported."
        )
    return path[1] if len(path) > 1 else None


def parse(params: QueryParams) -> Search:
    """``parseSearchParamsForSearch``: the search the query asks for, or Logto's refusal."""
    joint = params.get("joint") or params.get("jointMode") or "or"
    if joint not in JOINTS:
        raise invalid_input(f"Search joint mode `{joint}` is not valid, expect one of {', '.join(JOINTS)}.")
    case_sensitive = params.get("isCaseSensitive", "false").lower() in YES
    modes: dict[str | None, str] = {}
    values: dict[str | None, list[str]] = {}
    for key, value in params.multi_items():
        if key.startswith("mode"):
            field = _field(key)
            if value not in MODES:
                for_field = f" for field `{field}`" if field else ""
                raise invalid_input(
                    f"Search match mode `{value}`{for_field} is not valid, expect one of {', '.join(MODES)}."
                )
            modes[field] = value
        elif key.startswith("search"):
            values.setdefault(_field(key), []).append(value)
    matches = []
    for field, found in values.items():
        mode = modes.get(field) or modes.get(None) or "like"
        if mode != "exact" and len(found) != 1:
            raise invalid_input("Only one search value is allowed when search mode is not `exact`.")
        if not all(found):
            raise invalid_input("Search value cannot be empty.")
        matches.append(Match(mode, field, tuple(found)))
    return Search(tuple(matches), joint, case_sensitive)


def _like(pattern: str, flags: int) -> re.Pattern[str]:
    """SQL ``LIKE``: ``%`` any run, ``_`` any one character, ``\\`` escapes the next one."""
    out, chars = [], iter(pattern)
    for c in chars:
        if c == "\\":
            out.append(re.escape(next(chars, "\\")))
        else:
            out.append(".*" if c == "%" else "." if c == "_" else re.escape(c))
    return re.compile("".join(out), flags | re.DOTALL)


def _similar(pattern: str) -> re.Pattern[str]:
    """SQL ``SIMILAR TO``: ``LIKE``'s wildcards plus regular-expression operators, on the whole value."""
    out = []
    for c in pattern:
        out.append(".*" if c == "%" else "." if c == "_" else "\\." if c == "." else c)
    return re.compile("".join(out), re.DOTALL)


def _test(mode: str, values: tuple[str, ...], case_sensitive: bool) -> Callable[[str], bool]:
    flags = 0 if case_sensitive else re.IGNORECASE
    try:
        if mode == "exact":
            wanted = set(values) if case_sensitive else {v.lower() for v in values}
            return lambda s: (s if case_sensitive else s.lower()) in wanted
        if mode == "like":
            like = _like(values[0], flags)
            return lambda s: like.fullmatch(s) is not None
        if mode == "similar_to":
            if not case_sensitive:
                raise invalid_input("Cannot use case-insensitive match for `similar to`.")
            similar = _similar(values[0])
            return lambda s: similar.fullmatch(s) is not None
        posix = re.compile(values[0], flags)
    except re.error as exc:
        raise invalid_input(f"invalid regular expression: {exc}") from exc
    return lambda s: posix.search(s) is not None


def predicate(search: Search, fields: Sequence[str]) -> Callable[[Mapping[str, str | None]], bool]:
    """``buildConditionsFromSearch``: a test of a record (column → value) against ``search`` over the
    route's search columns ``fields`` (snake_case)."""
    tests = []
    for match in search.matches:
        field = snake_case(match.field) if match.field else None
        if field is not None and field not in fields:
            raise invalid_input(f"Search field `{field}` is not valid, expect one of {', '.join(fields)}.")
        columns = (field,) if field else tuple(fields)
        tests.append((columns, _test(match.mode, match.values, search.case_sensitive)))
    combine = all if search.joint == "and" else any

    def check(record: Mapping[str, str | None]) -> bool:
        if not tests:
            return True
        return combine(
            any(record.get(c) is not None and test(str(record[c])) for c in columns)
            for columns, test in tests
        )

    return check


def search_filter(params: QueryParams, fields: Sequence[str]) -> Callable[[Mapping[str, str | None]], bool]:
    """:func:`parse` then :func:`predicate`: the request's search over the route's columns ``fields``."""
    return predicate(parse(params), fields)

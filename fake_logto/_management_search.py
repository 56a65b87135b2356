"""Logto's general search of the Management API lists: ``parseSearchParamsForSearch`` and
``buildConditionsFromSearch`` (``packages/core/src/utils/search.ts``), used by the scopes of a resource, the
applications, a role's users and applications.

Query keys: ``search`` (every search field) or ``search.<field>`` (one, camel case allowed), repeatable;
``mode`` / ``mode.<field>`` — ``like`` (the default: an SQL ``LIKE`` pattern), ``exact``, ``similar_to``,
``posix``; ``joint`` (or ``jointMode``) ``or`` (default) / ``and`` between the items; ``isCaseSensitive``
(default false: ``like`` is ``ILIKE``, ``exact`` compares lower-cased, ``posix`` is ``~*``, ``similar_to``
refuses). Bad input — a nested field, an unknown field or mode, an empty value, several values outside
``exact`` — is Logto's ``TypeError``, answered 400 ``request.invalid_input`` with its text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from starlette.datastructures import QueryParams

from ._errors import LogtoError

MODES = ("exact", "like", "similar_to", "posix")
JOINTS = ("and", "or")
Row = Mapping[str, str | None]  # a row's search columns (snake case) and their values


def _refuse(text: str) -> LogtoError:
    return LogtoError("request.invalid_input", 400, {}, text=text)


def _field(key: str) -> str | None:
    path = key.split(".")
    if len(path) > 2:
        raise _refuse(
            f"Unsupported nested search field path `{'.'.join(path[1:])}` detected. "
            "Only the first level field is supported."
        )
    return path[1] if len(path) == 2 else None


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _like(pattern: str, flags: int) -> re.Pattern[str]:
    parts = (".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), flags | re.DOTALL)


def _similar(pattern: str) -> re.Pattern[str]:
    """SQL ``SIMILAR TO``: ``%``/``_`` as in LIKE, the regex operators ``| * + ? {} () []`` kept."""
    out = "".join(".*" if c == "%" else "." if c == "_" else "\\." if c == "." else c for c in pattern)
    try:
        return re.compile(out, re.DOTALL)
    except re.error as exc:
        raise _refuse(str(exc)) from None


def _matcher(mode: str, values: list[str], case: bool) -> Callable[[str], bool]:
    flags = 0 if case else re.IGNORECASE
    if mode == "exact":
        wanted = set(values) if case else {v.lower() for v in values}
        return lambda s: (s if case else s.lower()) in wanted
    if mode == "like":
        like = _like(values[0], flags)
        return lambda s: like.fullmatch(s) is not None
    if mode == "posix":
        try:
            posix = re.compile(values[0], flags)
        except re.error as exc:
            raise _refuse(str(exc)) from None
        return lambda s: posix.search(s) is not None
    if not case:
        raise _refuse("Cannot use case-insensitive match for `similar to`.")
    similar = _similar(values[0])
    return lambda s: similar.fullmatch(s) is not None


def search_filter(query: QueryParams, fields: Sequence[str]) -> Callable[[Row], bool]:
    """The predicate of the request's search over ``fields`` (snake-case column names)."""
    joint = query.get("joint") or query.get("jointMode") or "or"
    if joint not in JOINTS:
        raise _refuse(f"Search joint mode `{joint}` is not valid, expect one of {', '.join(JOINTS)}.")
    case = (query.get("isCaseSensitive") or "false").lower() in ("true", "1", "yes", "y")
    modes: dict[str | None, str] = {}
    values: dict[str | None, list[str]] = {}
    for key, value in query.multi_items():
        if key.startswith("mode"):
            field = _field(key)
            if value not in MODES:
                where = f" for field `{field}`" if field else ""
                raise _refuse(
                    f"Search match mode `{value}`{where} is not valid, expect one of {', '.join(MODES)}."
                )
            modes[field] = value
        elif key.startswith("search"):
            values.setdefault(_field(key), []).append(value)
    conditions: list[Callable[[Row], bool]] = []
    for field, given in values.items():
        mode = modes.get(field) or modes.get(None) or "like"
        if mode == "exact":
            if not all(given):
                raise _refuse("Search value cannot be empty.")
        elif len(given) != 1:
            raise _refuse("Only one search value is allowed when search mode is not `exact`.")
        elif not given[0]:
            raise _refuse("Search value cannot be empty.")
        column = _snake(field) if field else None
        if column is not None and column not in fields:
            raise _refuse(f"Search field `{column}` is not valid, expect one of {', '.join(fields)}.")
        match = _matcher(mode, given, case)
        columns = [column] if column else list(fields)
        conditions.append(
            lambda row, m=match, cs=columns: any(  # type: ignore[misc]
                (v := row.get(c)) is not None and m(v) for c in cs
            )
        )
    if not conditions:
        return lambda row: True
    combine = all if joint == "and" else any
    return lambda row: combine(c(row) for c in conditions)

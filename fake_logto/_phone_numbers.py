"""Phone numbers as Logto compares them: one number however its national part's leading ``0`` is written.

Follows ``PhoneNumberParser`` (``packages/shared/src/utils/phone.ts``, libphonenumber-js; here the
``phonenumbers`` port of libphonenumber) and the user queries that use it (``packages/core/src/queries/
user.ts`` ``findUserByNormalizedPhone`` and ``hasUserWithNormalizedPhone``): a number that parses (a ``+``
is put in front when missing) has two stored forms, country code + national number
(``internationalNumber``, ``61412345678``) and the legacy one with a ``0`` in between
(``internationalNumberWithLeadingZero``, ``610412345678``); a user whose ``primaryPhone`` is either one
has that number. A number that does not parse matches only itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, TypeVar


class _HasPhone(Protocol):
    @property
    def primary_phone(self) -> str | None: ...
    @property
    def created_at(self) -> int: ...


U = TypeVar("U", bound=_HasPhone)


def normalized_forms(phone: str) -> tuple[str, str] | None:
    """``(internationalNumber, internationalNumberWithLeadingZero)``, or None if ``phone`` does not parse."""
    import phonenumbers  # loaded by the first phone number, not at the start

    try:
        number = phonenumbers.parse(phone if phone.startswith("+") else "+" + phone)
    except phonenumbers.NumberParseException:
        return None
    # libphonenumber-js keeps an Italian leading zero in ``nationalNumber``; the Python port counts it.
    zeros = "0" * (number.number_of_leading_zeros or 1) if number.italian_leading_zero else ""
    national = f"{zeros}{number.national_number}"
    return f"{number.country_code}{national}", f"{number.country_code}0{national}"


def same_number(stored: str | None, phone: str) -> bool:
    """Whether a ``primaryPhone`` of ``stored`` is the number ``phone`` (``hasUserWithNormalizedPhone``)."""
    if stored is None:
        return False
    forms = normalized_forms(phone)
    return stored in forms if forms is not None else stored == phone


def find_by_phone(users: Sequence[U], phone: str) -> U | None:
    """``findUserByNormalizedPhone``: the user with the number ``phone``; of two (one per stored form),
    the one stored exactly as given, else the newest."""
    found = [user for user in users if same_number(user.primary_phone, phone)]
    found.sort(key=lambda user: (user.primary_phone != phone, -user.created_at))
    return found[0] if found else None

"""Thai personal IDs, ministry G codes and 10-digit school codes.

A Thai personal ID has 13 digits. The first is the person type (1 to 8, or 0 for people without
registration status), and the last is a check digit over the first twelve:
``s = sum(d_i * (14 - i) for i in 1..12)`` and ``check = (11 - s % 11) % 10``.
A G code is ``G`` followed by 12 digits (Buddhist Era year, province, sequence) and has no check digit.
A school code is ``AA PP NNNNNN``: affiliation, DOPA province code, then a number.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Protocol

_THAI_ID_PATTERN = re.compile(r"\d{13}")
_G_CODE_PATTERN = re.compile(r"G\d{12}")
_SCHOOL_CODE_PATTERN = re.compile(r"\d{10}")


class _IntegerSource(Protocol):
    def randrange(self, start: int, stop: int) -> int: ...


def thai_id_check_digit(first12: str) -> int:
    """Return the check digit for the first twelve digits of a Thai personal ID.

    Raises ValueError unless ``first12`` is exactly twelve ASCII digits.
    """
    if len(first12) != 12 or not first12.isascii() or not first12.isdigit():
        raise ValueError(f"expected the first 12 digits of a Thai personal ID, got {first12!r}")
    total = sum(int(digit) * (13 - index) for index, digit in enumerate(first12))
    return (11 - total % 11) % 10


def is_valid_thai_id(value: object) -> bool:
    """Return True when ``value`` is a 13-digit string whose last digit is the correct check digit."""
    if not isinstance(value, str) or not _THAI_ID_PATTERN.fullmatch(value):
        return False
    return thai_id_check_digit(value[:12]) == int(value[12])


def make_thai_id(
    first12: str | None = None,
    *,
    rng: _IntegerSource | None = None,
    person_type: int = 1,
) -> str:
    """Build a valid Thai personal ID.

    With ``first12`` the check digit is appended to those digits. Without it, ``person_type``
    becomes the first digit and the next eleven digits are drawn from ``rng``, which is a
    ``random.Random`` or any object with ``randrange``. An omitted ``rng`` means a new unseeded one.
    """
    if first12 is None:
        if not 0 <= person_type <= 9:
            raise ValueError(f"person_type must be one digit, got {person_type}")
        source = rng if rng is not None else random.Random()
        first12 = f"{person_type}{source.randrange(0, 10**11):011d}"
    return first12 + str(thai_id_check_digit(first12))


def is_g_code(value: object) -> bool:
    """Return True when ``value`` is ``G`` followed by exactly twelve digits."""
    return isinstance(value, str) and _G_CODE_PATTERN.fullmatch(value) is not None


@dataclass(frozen=True)
class SchoolCode:
    """The three parts of a 10-digit school code."""

    affiliation_code: str
    province_code: str
    number: str

    def __str__(self) -> str:
        return self.affiliation_code + self.province_code + self.number


def parse_school_code(value: object) -> SchoolCode:
    """Split a 10-digit school code into affiliation, province code and number.

    Raises ValueError when ``value`` is not a string of exactly ten ASCII digits.
    """
    if not isinstance(value, str) or not _SCHOOL_CODE_PATTERN.fullmatch(value):
        raise ValueError(
            f"invalid school code {value!r}: expected 10 digits, affiliation (2), "
            "province (2) and number (6), for example 1010000001"
        )
    return SchoolCode(affiliation_code=value[:2], province_code=value[2:4], number=value[4:])


def format_school_code(affiliation_code: str, province_code: str, number: int) -> str:
    """Build a school code from a 2-digit affiliation, a 2-digit province code and a number."""
    if not re.fullmatch(r"\d{2}", affiliation_code) or not re.fullmatch(r"\d{2}", province_code):
        raise ValueError(
            f"affiliation and province codes must be 2 digits, got {affiliation_code!r} and {province_code!r}"
        )
    if not 0 <= number < 10**6:
        raise ValueError(f"school number must be between 0 and 999999, got {number}")
    return f"{affiliation_code}{province_code}{number:06d}"

"""Identities for generated people: personal ID or G code, name, gender, birth date, nationality."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from exchange.generate.enrolment import birth_dates_for_ages
from exchange.generate.idspace import IdAllocator, format_ids
from exchange.generate.names import NameLists

BUDDHIST_ERA_OFFSET = 543
THAI = "ไทย"
# People born in Thailand without Thai nationality get IDs starting with 0, 6 or 7.
NON_THAI_PERSON_TYPES = np.array([0, 6, 7])
NON_THAI_NATIONALITIES = np.array(["เมียนมา", "กัมพูชา", "ลาว", "ไม่ระบุ"], dtype=object)
_NON_THAI_WEIGHTS = np.array([0.55, 0.2, 0.15, 0.1])
# People born before 1984 were registered with person type 3, and children born since then get type 1.
_FIRST_YEAR_OF_TYPE_1 = 1984
SAME_PROVINCE_BIRTH_SHARE = 0.85


@dataclass
class Identities:
    """Parallel arrays, one row per person."""

    personal_id: np.ndarray
    first_name: np.ndarray
    last_name: np.ndarray
    male: np.ndarray
    birth_date: np.ndarray
    nationality: np.ndarray
    g_code: np.ndarray

    def __len__(self) -> int:
        return len(self.personal_id)


@dataclass(frozen=True)
class IdentitySources:
    """The allocator, name lists and province codes that every identity draw uses."""

    allocator: IdAllocator
    names: NameLists
    all_provinces: np.ndarray  # int codes of the 77 provinces


def make_identities(
    rng: np.random.Generator,
    sources: IdentitySources,
    home_provinces: np.ndarray,
    ages: np.ndarray,
    reference_date: dt.date,
    *,
    g_code_share: float,
    non_thai_share: float,
    academic_year: int,
) -> Identities:
    """Draw one identity per row for people of the given ages living in ``home_provinces``.

    A share ``g_code_share`` gets a G code issued in their home province, and a share
    ``non_thai_share`` a Thai ID of person type 0, 6 or 7; both get a non-Thai nationality.
    The others are Thai, born in their home province with chance ``SAME_PROVINCE_BIRTH_SHARE``.
    """
    count = len(ages)
    home_provinces = np.asarray(home_provinces, dtype=np.int64)
    male = rng.random(count) < 0.51
    birth = birth_dates_for_ages(ages, reference_date, rng)
    first, last = sources.names.draw(rng, male)
    draw = rng.random(count)
    g_code = draw < g_code_share
    non_thai = (draw >= g_code_share) & (draw < g_code_share + non_thai_share)

    birth_years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    person_type = np.where(birth_years >= _FIRST_YEAR_OF_TYPE_1, 1, 3)
    person_type = np.where(non_thai, NON_THAI_PERSON_TYPES[rng.integers(0, 3, count)], person_type)
    born_elsewhere = rng.random(count) >= SAME_PROVINCE_BIRTH_SHARE
    birth_province = np.where(
        born_elsewhere,
        sources.all_provinces[rng.integers(0, len(sources.all_provinces), count)],
        home_provinces,
    )
    personal_id = np.empty(count, dtype=object)
    thai_rows = np.flatnonzero(~g_code)
    personal_id[thai_rows] = format_ids(
        sources.allocator.thai_ids(person_type[thai_rows], birth_province[thai_rows])
    )
    g_rows = np.flatnonzero(g_code)
    if len(g_rows):
        first_year = np.minimum(birth_years[g_rows] + BUDDHIST_ERA_OFFSET + 3, academic_year)
        issued = first_year + np.floor(rng.random(len(g_rows)) * (academic_year - first_year + 1)).astype(
            np.int64
        )
        personal_id[g_rows] = sources.allocator.g_codes(home_provinces[g_rows], issued)

    nationality = np.full(count, THAI, dtype=object)
    foreign = g_code | non_thai
    nationality[foreign] = NON_THAI_NATIONALITIES[rng.choice(4, size=int(foreign.sum()), p=_NON_THAI_WEIGHTS)]
    return Identities(personal_id, first, last, male, birth, nationality, g_code)

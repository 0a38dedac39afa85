"""How many students each school has, in which grades, and the dates of birth that fit them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from exchange.register import School
from exchange.school_levels import (
    HIGHER_VOCATIONAL,
    LOWER_SECONDARY,
    NON_FORMAL,
    PRE_PRIMARY,
    PRIMARY,
    UPPER_SECONDARY,
    VOCATIONAL,
    Grade,
)

_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
# Relative size of a school by the bands it teaches. These are this project's estimates, so that
# secondary schools and colleges are several times the size of a village primary school.
_SIZE_WEIGHT = {
    (PRE_PRIMARY,): 0.4,
    (PRE_PRIMARY, PRIMARY): 0.6,
    (PRIMARY,): 0.6,
    (NON_FORMAL,): 2.5,
    (VOCATIONAL, HIGHER_VOCATIONAL): 5.0,
}
_NON_FORMAL_GRADE_WEIGHT = {"กศน.ประถม": 0.15, "กศน.ม.ต้น": 0.35, "กศน.ม.ปลาย": 0.5}


def _size_weight(bands: tuple[str, ...]) -> float:
    if bands in _SIZE_WEIGHT:
        return _SIZE_WEIGHT[bands]
    if UPPER_SECONDARY in bands:
        return 3.0 if PRIMARY not in bands else 1.6
    if LOWER_SECONDARY in bands:
        return 1.0
    return 0.6


@dataclass
class EnrolmentPlan:
    """The selected schools with their student counts and the grades each one teaches."""

    schools: list[School]
    sizes: np.ndarray
    grade_lists: list[np.ndarray]  # grade indices (into the grades table) per school
    grade_weights: list[np.ndarray]
    region_of: dict[str, str]

    def schools_in(self, province_code: str) -> np.ndarray:
        return np.array(
            [i for i, school in enumerate(self.schools) if school.province_code == province_code],
            dtype=np.int64,
        )


def grades_for_bands(bands: tuple[str, ...], grades: tuple[Grade, ...]) -> np.ndarray:
    """Return the indices of the grades that belong to any of ``bands``."""
    return np.array([index for index, grade in enumerate(grades) if grade.band in bands], dtype=np.int64)


def build_enrolment_plan(
    schools: list[School], grades: tuple[Grade, ...], region_of: dict[str, str], mean_size: float, seed: int
) -> EnrolmentPlan:
    """Draw each school's size: its band weight times a log-normal factor, scaled to ``mean_size``.

    Every school gets at least three students. Draws come from one generator per province, so
    the sizes in a province do not depend on which other provinces are selected.
    """
    sizes = np.zeros(len(schools), dtype=np.int64)
    province_codes = np.array([school.province_code for school in schools])
    for province in sorted(set(province_codes.tolist())):
        rows = np.flatnonzero(province_codes == province)
        rng = np.random.default_rng([seed, int(province), 0x51])
        weights = np.array([_size_weight(schools[i].bands) for i in rows]) * rng.lognormal(
            0.0, 0.7, len(rows)
        )
        sizes[rows] = np.maximum(3, np.round(weights / weights.mean() * mean_size)).astype(np.int64)
    grade_lists = [grades_for_bands(school.bands, grades) for school in schools]
    grade_weights = []
    for grade_list in grade_lists:
        weights = np.array(
            [
                _NON_FORMAL_GRADE_WEIGHT.get(grades[i].grade, 0.8 if grades[i].band == PRE_PRIMARY else 1.0)
                for i in grade_list
            ]
        )
        grade_weights.append(weights / weights.sum())
    return EnrolmentPlan(list(schools), sizes, grade_lists, grade_weights, region_of)


def birth_dates_for_ages(ages: np.ndarray, reference_date: dt.date, rng: np.random.Generator) -> np.ndarray:
    """Draw a birth date per row such that the person is exactly ``age`` on ``reference_date``."""
    ages = np.asarray(ages, dtype=np.int64)
    starts = np.empty(len(ages), dtype=np.int64)
    spans = np.empty(len(ages), dtype=np.int64)
    for age in np.unique(ages).tolist():
        latest = reference_date.replace(year=reference_date.year - age)
        earliest = reference_date.replace(year=reference_date.year - age - 1) + dt.timedelta(days=1)
        rows = ages == age
        starts[rows] = earliest.toordinal() - _EPOCH_ORDINAL
        spans[rows] = (latest - earliest).days + 1
    days = starts + np.floor(rng.random(len(ages)) * spans).astype(np.int64)
    return days.astype("datetime64[D]")


def ages_on(birth_dates: np.ndarray, reference_date: dt.date) -> np.ndarray:
    """Return the age in whole years on ``reference_date`` for each birth date."""
    years = birth_dates.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth_dates.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth_dates - birth_dates.astype("datetime64[M]")).astype(np.int64) + 1
    before_birthday = (months > reference_date.month) | (
        (months == reference_date.month) & (days > reference_date.day)
    )
    return reference_date.year - years - before_birthday.astype(np.int64)

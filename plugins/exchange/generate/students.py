"""Generate one province's student rows and inject the student faults.

Each fault makes the row fail exactly one validation rule, and the rule id is recorded with it:

- ``bad_check_digit``: a 13-digit ID with a wrong last digit (personal_id, STU-011, error);
- ``missing_required``: an empty first_name (STU-003), last_name (STU-004) or birth_date
  (STU-006), error;
- ``grade_age_mismatch``: an age on the reference date outside the grade's accepted range
  (grade, STU-013, query; the row is still counted);
- ``unknown_school``: a well-formed school code that no schools file lists (school_code,
  STU-012, error).

A second near-duplicate record whose ID typo breaks the check digit carries the fault
``id_typo`` (personal_id, STU-011, error). Rows of planned duplicates get no other fault.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exchange.generate.duplicates import PlannedRecord
from exchange.generate.enrolment import EnrolmentPlan, ages_on, birth_dates_for_ages
from exchange.generate.idspace import with_wrong_check_digit
from exchange.generate.names import child_prefix
from exchange.generate.people import IdentitySources, make_identities
from exchange.generate.reference import GenerationReference
from exchange.generate.table import Table

FAULT_RULES = {
    ("students", "bad_check_digit", "personal_id"): ("STU-011", "error"),
    ("students", "id_typo", "personal_id"): ("STU-011", "error"),
    ("students", "missing_required", "first_name"): ("STU-003", "error"),
    ("students", "missing_required", "last_name"): ("STU-004", "error"),
    ("students", "missing_required", "birth_date"): ("STU-006", "error"),
    ("students", "grade_age_mismatch", "grade"): ("STU-013", "query"),
    ("students", "unknown_school", "school_code"): ("STU-012", "error"),
    ("teachers", "bad_check_digit", "personal_id"): ("TCH-011", "error"),
}
_MISSING_COLUMNS = np.array(["first_name", "last_name", "birth_date"], dtype=object)
_AGE_OFFSETS = np.array([-1, 0, 1])
_AGE_OFFSET_WEIGHTS = np.array([0.07, 0.85, 0.08])
G_CODE_SHARE = 0.01
NON_THAI_SHARE = 0.015
TRANSFER_SHARE = 0.1
# Adult women (non-formal students) who use นาง, the prefix of a married woman.
MARRIED_PREFIX_SHARE = 0.4


@dataclass
class StudentBlock:
    """One province's student rows with each row's age on the reference date and grade index."""

    table: Table
    ages: np.ndarray
    grades: np.ndarray


@dataclass(frozen=True)
class StudentFaultRates:
    """Share of eligible student rows that receive each fault."""

    bad_check_digit: float = 0.003
    missing_required: float = 0.003
    grade_age_mismatch: float = 0.003
    unknown_school: float = 0.001


def _padded(lists: list[np.ndarray], pad: float) -> np.ndarray:
    width = max(len(values) for values in lists)
    table = np.full((len(lists), width), pad, dtype=float)
    for row, values in enumerate(lists):
        table[row, : len(values)] = values
    return table


def _ages_for_grades(
    grades: np.ndarray, reference: GenerationReference, rng: np.random.Generator
) -> np.ndarray:
    """Draw ages: mostly the grade's expected age, sometimes one year off within the accepted range.

    Non-formal students are adults from 15, most of them under 25.
    """
    offsets = _AGE_OFFSETS[rng.choice(3, size=len(grades), p=_AGE_OFFSET_WEIGHTS)]
    ages = np.clip(
        reference.expected_age[grades] + offsets, reference.min_age[grades], reference.max_age[grades]
    )
    non_formal = np.array([grade.band == "non_formal" for grade in reference.grades])[grades]
    adult_ages = 15 + np.minimum(np.floor(rng.exponential(6.0, len(grades))), 45).astype(np.int64)
    return np.where(non_formal, adult_ages, ages)


def _enrolment_dates(ranks: np.ndarray, calendar_year: int, rng: np.random.Generator) -> np.ndarray:
    """Draw enrolment dates: a student in the school's n-th grade enrolled n years ago in May.

    A share ``TRANSFER_SHARE`` transferred in later instead.
    """
    count = len(ranks)
    transfer = rng.random(count) < TRANSFER_SHARE
    years_back = np.where(transfer, np.floor(rng.random(count) * (ranks + 1)).astype(np.int64), ranks)
    may_first = np.array(
        [f"{calendar_year - years_back_value}-05-01" for years_back_value in range(ranks.max(initial=0) + 1)],
        dtype="datetime64[D]",
    )
    spread = np.where(transfer & (years_back > 0), 180, 20)
    return may_first[years_back] + np.floor(rng.random(count) * spread).astype(np.int64)


def build_students(
    province: str,
    plan: EnrolmentPlan,
    records: list[PlannedRecord],
    sources: IdentitySources,
    reference: GenerationReference,
    rates: StudentFaultRates,
    rng: np.random.Generator,
) -> StudentBlock:
    """Return the province's students, sorted by school and grade."""
    school_ids = plan.schools_in(province)
    sizes = plan.sizes[school_ids]
    local = np.repeat(np.arange(len(school_ids)), sizes)
    count = len(local)
    grade_table = _padded([plan.grade_lists[i] for i in school_ids], -1).astype(np.int64)
    rank_table = _padded([plan.grade_lists[i] for i in school_ids], np.inf)
    cumulative = _padded([np.cumsum(plan.grade_weights[i]) for i in school_ids], np.inf)
    cumulative[np.arange(len(school_ids)), [len(plan.grade_lists[i]) - 1 for i in school_ids]] = np.inf
    position = (rng.random(count)[:, None] >= cumulative[local]).sum(axis=1)
    grades = grade_table[local, position]

    planned = np.full(count, -1, dtype=np.int64)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    local_of = {int(global_id): k for k, global_id in enumerate(school_ids)}
    by_school: dict[int, list[int]] = {}
    for record_index, record in enumerate(records):
        by_school.setdefault(local_of[record.school], []).append(record_index)
    for k, record_indices in sorted(by_school.items()):
        rows = starts[k] + rng.choice(sizes[k], size=len(record_indices), replace=False)
        planned[rows] = record_indices
        grades[rows] = [records[i].grade for i in record_indices]

    calendar = reference.calendar
    ages = _ages_for_grades(grades, reference, rng)
    identity = make_identities(
        rng,
        sources,
        np.full(count, int(province)),
        ages,
        calendar.age_reference_date,
        g_code_share=G_CODE_SHARE,
        non_thai_share=NON_THAI_SHARE,
        academic_year=calendar.academic_year,
    )
    for row in np.flatnonzero(planned >= 0):
        record = records[planned[row]]
        identity.personal_id[row] = record.personal_id
        identity.first_name[row] = record.first_name
        identity.last_name[row] = record.last_name
        identity.male[row] = record.male
        identity.birth_date[row] = record.birth_date
        identity.nationality[row] = record.nationality
    planned_rows = planned >= 0
    ages[planned_rows] = ages_on(identity.birth_date[planned_rows], calendar.age_reference_date)

    codes = np.array([plan.schools[i].school_code for i in school_ids], dtype=object)
    ranks = (rank_table[local] < grades[:, None]).sum(axis=1)
    prefix = child_prefix(identity.male, ages)
    married = (ages >= 25) & ~identity.male & (rng.random(count) < MARRIED_PREFIX_SHARE)
    prefix[married] = "นาง"
    columns = {
        "school_code": codes[local],
        "personal_id": identity.personal_id,
        "prefix": prefix,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
        "gender": np.where(identity.male, "M", "F").astype(object),
        "birth_date": identity.birth_date,
        "grade": np.array([grade.grade for grade in reference.grades], dtype=object)[grades],
        "nationality": identity.nationality,
        "enrolment_date": _enrolment_dates(ranks, calendar.age_reference_date.year, rng),
    }
    table = Table("students", columns, school_ids[local], planned=planned)
    for row in np.flatnonzero(planned_rows):
        if records[planned[row]].fault:
            table.fault[row] = records[planned[row]].fault
            table.fault_column[row] = "personal_id"
    _inject_faults(table, grades, ages, identity.g_code, plan, reference, rates, rng)
    order = np.lexsort((grades, local))
    return StudentBlock(table.take(order), ages[order], grades[order])


def _inject_faults(
    table: Table,
    grades: np.ndarray,
    ages: np.ndarray,
    g_code: np.ndarray,
    plan: EnrolmentPlan,
    reference: GenerationReference,
    rates: StudentFaultRates,
    rng: np.random.Generator,
) -> None:
    count = len(table)
    draw = rng.random(count)
    eligible = table.planned < 0
    bounds = np.cumsum(
        [rates.bad_check_digit, rates.missing_required, rates.grade_age_mismatch, rates.unknown_school]
    )
    kind = np.searchsorted(bounds, draw, side="right")  # 0..3 for a fault, 4 for none
    columns = table.columns

    rows = np.flatnonzero(eligible & (kind == 0) & ~g_code)
    for row in rows:
        columns["personal_id"][row] = with_wrong_check_digit(columns["personal_id"][row], rng)
    table.fault[rows], table.fault_column[rows] = "bad_check_digit", "personal_id"

    rows = np.flatnonzero(eligible & (kind == 1))
    missing = _MISSING_COLUMNS[rng.integers(0, 3, len(rows))]
    for row, column in zip(rows, missing, strict=True):
        columns[column][row] = np.datetime64("NaT") if column == "birth_date" else ""
    table.fault[rows], table.fault_column[rows] = "missing_required", missing

    rows = np.flatnonzero(eligible & (kind == 2))
    low, high = reference.min_age[grades[rows]], reference.max_age[grades[rows]]
    below = (low - 1 >= 2) & ((rng.random(len(rows)) < 0.5) | (high >= 90))
    steps = rng.integers(1, 4, len(rows))
    new_ages = np.where(below, np.maximum(low - steps, 1), high + steps)
    ages[rows] = new_ages
    columns["birth_date"][rows] = birth_dates_for_ages(new_ages, reference.calendar.age_reference_date, rng)
    columns["prefix"][rows] = child_prefix(columns["gender"][rows] == "M", new_ages)
    table.fault[rows], table.fault_column[rows] = "grade_age_mismatch", "grade"

    rows = np.flatnonzero(eligible & (kind == 3))
    for row in rows:
        school = plan.schools[table.school[row]]
        columns["school_code"][row] = (
            f"{school.affiliation_code}{school.province_code}9{int(rng.integers(0, 10**5)):05d}"
        )
    table.fault[rows], table.fault_column[rows] = "unknown_school", "school_code"

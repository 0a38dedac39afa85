"""Reference facts the generator needs: grades, regions, contracts and the submission window."""

from __future__ import annotations

import csv
import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from exchange import calendar, settings
from exchange.contracts import DATASETS, load_contract
from exchange.school_levels import Grade, load_grades

log = logging.getLogger(__name__)

BUDDHIST_ERA_OFFSET = 543
SUBMISSION_ACTIVITY = "submission_intake"
# The plan's rule when no plan file covers the year: data as of 10 June (term 1) or 10 November
# (term 2), submitted 11-25 of that month, ages counted on 16 May.
_DEFAULT_SUBMISSION_MONTH = {1: 6, 2: 11}


@dataclass(frozen=True)
class DatasetLayout:
    """The columns of one dataset: canonical names, first Thai header and column types."""

    dataset: str
    title_th: str
    columns: tuple[str, ...]
    thai_headers: tuple[str, ...]
    types: tuple[str, ...]


@dataclass(frozen=True)
class TermCalendar:
    """The dates of one term that the generated files depend on."""

    academic_year: int
    term: int
    as_of: dt.date
    age_reference_date: dt.date
    window_start: dt.datetime
    window_end: dt.datetime  # exclusive: 00:00 Bangkok time after the last day


@dataclass(frozen=True)
class GenerationReference:
    """Everything the generator reads from include/: grades, regions, layouts and the calendar."""

    grades: tuple[Grade, ...]
    region_of: dict[str, str]
    layouts: dict[str, DatasetLayout]
    calendar: TermCalendar
    expected_age: np.ndarray
    min_age: np.ndarray
    max_age: np.ndarray

    def grade_index(self, grade: str) -> int:
        return next(index for index, candidate in enumerate(self.grades) if candidate.grade == grade)


def load_regions(path: Path) -> dict[str, str]:
    """Read regional-offices.csv into a mapping from 2-digit province code to region number."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {f"{int(row['province_code']):02d}": str(int(row["region"])) for row in csv.DictReader(handle)}


def load_layouts() -> dict[str, DatasetLayout]:
    """Read the eight dataset contracts; the Thai header of a column is its first alias."""
    layouts = {}
    for dataset in DATASETS:
        contract = load_contract(dataset)
        layouts[dataset] = DatasetLayout(
            dataset=dataset,
            title_th=contract.title_th,
            columns=tuple(column.name for column in contract.columns),
            thai_headers=tuple(
                column.headers[0] if column.headers else column.name for column in contract.columns
            ),
            types=tuple(column.type for column in contract.columns),
        )
    return layouts


def load_term_calendar(academic_year: int, term: int) -> TermCalendar:
    """Read the term's dates from the plan file, or apply the plan's usual rule when none exists."""
    try:
        plan_term = calendar.get_term(academic_year, term)
        step = plan_term.step(SUBMISSION_ACTIVITY)
        return TermCalendar(
            academic_year,
            term,
            plan_term.as_of,
            plan_term.age_reference_date,
            step.window_start,
            step.window_end,
        )
    except KeyError:
        if term not in _DEFAULT_SUBMISSION_MONTH:
            raise ValueError(f"invalid term {term}: expected 1 or 2") from None
        year = academic_year - BUDDHIST_ERA_OFFSET
        month = _DEFAULT_SUBMISSION_MONTH[term]
        log.info("No plan file for term %d of %d; using the default calendar", term, academic_year)
        return TermCalendar(
            academic_year,
            term,
            dt.date(year, month, 10),
            dt.date(year, 5, 16),
            dt.datetime(year, month, 11, tzinfo=calendar.BANGKOK),
            dt.datetime(year, month, 26, tzinfo=calendar.BANGKOK),
        )


def load_reference(academic_year: int, term: int) -> GenerationReference:
    """Load grades, regions, dataset layouts and the term calendar."""
    grades = tuple(load_grades(settings.REFERENCE_DIR / "grades.csv"))
    return GenerationReference(
        grades=grades,
        region_of=load_regions(settings.REFERENCE_DIR / "regional-offices.csv"),
        layouts=load_layouts(),
        calendar=load_term_calendar(academic_year, term),
        expected_age=np.array([grade.expected_age for grade in grades]),
        min_age=np.array([grade.min_age for grade in grades]),
        max_age=np.array([grade.max_age for grade in grades]),
    )

"""The plan calendar: one YAML file per academic year under include/plan/.

A window covers whole days in Thailand's time: from 00:00 on its first day to 00:00 after its
last day. A term's `postpone_days` moves every date of that term, the as-of date included.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from exchange import settings

BANGKOK = ZoneInfo("Asia/Bangkok")
BUDDHIST_ERA_OFFSET = 543


@dataclass(frozen=True)
class Step:
    academic_year: int
    term: int
    step: str
    activity: str
    title: str
    office: str
    start: dt.date
    end: dt.date
    as_of: dt.date
    age_reference_date: dt.date

    @property
    def window_start(self) -> dt.datetime:
        return dt.datetime.combine(self.start, dt.time(0), tzinfo=BANGKOK)

    @property
    def window_end(self) -> dt.datetime:
        """Return the exclusive end: 00:00 Bangkok time on the day after the last day."""
        return dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(0), tzinfo=BANGKOK)

    def contains(self, moment: dt.datetime) -> bool:
        return self.window_start <= moment < self.window_end


@dataclass(frozen=True)
class Term:
    academic_year: int
    term: int
    as_of: dt.date
    age_reference_date: dt.date
    postpone_days: int
    steps: tuple[Step, ...]

    def step(self, activity: str) -> Step:
        for step in self.steps:
            if step.activity == activity:
                return step
        raise KeyError(f"term {self.term} of {self.academic_year} has no step for activity {activity!r}")


def _as_date(value: object, source: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{source}: invalid date {value!r}; write dates as YYYY-MM-DD") from None


def parse_plan(document: dict, source: str, postpone: dict[int, int] | None = None) -> list[Term]:
    """Build the terms of one plan file. `postpone` overrides a term's postpone_days."""
    year = int(document["academic_year"])
    terms = []
    for entry in document["terms"]:
        number = int(entry["term"])
        shift_days = int((postpone or {}).get(number, entry.get("postpone_days", 0)))
        shift = dt.timedelta(days=shift_days)
        as_of = _as_date(entry["as_of"], source) + shift
        age_reference = _as_date(entry["age_reference_date"], source)
        steps = []
        for raw in entry["steps"]:
            start = _as_date(raw["start"], source) + shift
            end = _as_date(raw["end"], source) + shift
            if end < start:
                raise ValueError(f"{source}: step {raw['step']} ends ({end}) before it starts ({start})")
            steps.append(
                Step(
                    academic_year=year,
                    term=number,
                    step=str(raw["step"]),
                    activity=raw["activity"],
                    title=raw["title"],
                    office=raw["office"],
                    start=start,
                    end=end,
                    as_of=as_of,
                    age_reference_date=age_reference,
                )
            )
        terms.append(Term(year, number, as_of, age_reference, shift_days, tuple(steps)))
    return terms


@cache
def load_terms(plan_dir: Path | None = None) -> tuple[Term, ...]:
    """Load every term of every plan file, oldest first."""
    folder = plan_dir or settings.PLAN_DIR
    terms: list[Term] = []
    for path in sorted(folder.glob("*.yaml")):
        terms.extend(parse_plan(yaml.safe_load(path.read_text(encoding="utf-8")), str(path)))
    return tuple(sorted(terms, key=lambda term: (term.academic_year, term.term)))


def get_term(academic_year: int, term: int, plan_dir: Path | None = None) -> Term:
    for candidate in load_terms(plan_dir):
        if candidate.academic_year == academic_year and candidate.term == term:
            return candidate
    raise KeyError(
        f"no plan for term {term} of academic year {academic_year} in {plan_dir or settings.PLAN_DIR}"
    )


def steps_for(activities: tuple[str, ...], plan_dir: Path | None = None) -> list[Step]:
    """Return every step of the given activities in every plan, ordered by window start."""
    steps = [step for term in load_terms(plan_dir) for step in term.steps if step.activity in activities]
    return sorted(steps, key=lambda step: (step.window_start, step.window_end))


def step_at(activities: tuple[str, ...], moment: dt.datetime, plan_dir: Path | None = None) -> Step | None:
    """Return the step of these activities whose window contains `moment`, if any."""
    for step in steps_for(activities, plan_dir):
        if step.contains(moment):
            return step
    return None


def month_end(year: int, month: int) -> dt.date:
    """Return the last day of a month (CE year)."""
    first_of_next = dt.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - dt.timedelta(days=1)


def be_to_ce(academic_year: int) -> int:
    return academic_year - BUDDHIST_ERA_OFFSET

"""The plan calendar and the timetables that read it."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from exchange import calendar, settings

D = dt.date

# Every window of academic year 2566 as the plan states it, typed from the plan's tables.
PLAN_2566 = {
    (1, "4"): (D(2023, 4, 1), D(2023, 6, 30)),
    (1, "5"): (D(2023, 6, 1), D(2023, 6, 30)),
    (1, "6", "submission_intake"): (D(2023, 6, 11), D(2023, 6, 25)),
    (1, "6", "late_dataset_intake"): (D(2023, 8, 1), D(2023, 8, 31)),
    (1, "7"): (D(2023, 6, 1), D(2023, 6, 30)),
    (1, "8"): (D(2023, 6, 26), D(2023, 7, 5)),
    (1, "9"): (D(2023, 7, 6), D(2023, 7, 20)),
    (1, "10"): (D(2023, 7, 1), D(2023, 7, 31)),
    (1, "11-12"): (D(2023, 4, 1), D(2023, 10, 31)),
    (1, "13-15"): (D(2023, 8, 1), D(2023, 8, 30)),
    (1, "16-17"): (D(2023, 9, 1), D(2023, 9, 5)),
    (1, "18"): (D(2023, 9, 1), D(2023, 9, 10)),
    (1, "19"): (D(2023, 9, 11), D(2023, 9, 25)),
    (1, "21"): (D(2023, 9, 26), D(2023, 9, 30)),
    (1, "22"): (D(2023, 9, 26), D(2023, 9, 30)),
    (1, "23"): (D(2023, 9, 26), D(2023, 9, 30)),
    (1, "24"): (D(2023, 9, 26), D(2023, 9, 30)),
    (1, "25"): (D(2023, 6, 1), D(2023, 6, 30)),
    (2, "1"): (D(2023, 11, 11), D(2023, 11, 25)),
    (2, "2"): (D(2023, 11, 1), D(2023, 11, 30)),
    (2, "3"): (D(2023, 11, 26), D(2023, 12, 5)),
    (2, "4"): (D(2023, 12, 6), D(2023, 12, 20)),
    (2, "5"): (D(2023, 12, 21), D(2024, 1, 21)),
    (2, "6-7"): (D(2023, 11, 1), D(2024, 3, 31)),
    (2, "8-10"): (D(2023, 12, 21), D(2024, 1, 21)),
    (2, "11-12"): (D(2024, 1, 22), D(2024, 1, 26)),
    (2, "13"): (D(2024, 1, 27), D(2024, 1, 31)),
    (2, "14"): (D(2024, 2, 1), D(2024, 2, 15)),
    (2, "16"): (D(2024, 2, 16), D(2024, 2, 20)),
    (2, "17"): (D(2024, 2, 16), D(2024, 2, 20)),
    (2, "18"): (D(2024, 2, 21), D(2024, 3, 21)),
    (2, "19"): (D(2024, 3, 22), D(2024, 3, 30)),
}


def load_2566(postpone: dict[int, int] | None = None) -> list[calendar.Term]:
    document = yaml.safe_load((settings.PLAN_DIR / "2566.yaml").read_text(encoding="utf-8"))
    return calendar.parse_plan(document, "2566.yaml", postpone)


def window_key(step: calendar.Step) -> tuple:
    if step.step == "6" and step.term == 1:
        return (step.term, step.step, step.activity)
    return (step.term, step.step)


def test_plan_2566_dates_match_the_plan():
    found = {window_key(step): (step.start, step.end) for term in load_2566() for step in term.steps}
    assert found == PLAN_2566


def test_plan_2566_as_of_dates():
    term_1, term_2 = load_2566()
    assert term_1.as_of == D(2023, 6, 10)
    assert term_2.as_of == D(2023, 11, 10)
    assert term_1.age_reference_date == D(2023, 5, 16)


def test_window_bounds_are_bangkok_days():
    step = calendar.get_term(2566, 1).step("submission_intake")
    assert step.window_start == dt.datetime(2023, 6, 11, tzinfo=calendar.BANGKOK)
    assert step.window_end == dt.datetime(2023, 6, 26, tzinfo=calendar.BANGKOK)
    assert step.window_start.astimezone(dt.UTC) == dt.datetime(
        2023, 6, 10, 17, tzinfo=dt.UTC
    )
    assert step.contains(dt.datetime(2023, 6, 25, 23, 59, tzinfo=calendar.BANGKOK))
    assert not step.contains(dt.datetime(2023, 6, 26, 0, 0, tzinfo=calendar.BANGKOK))


def test_postponing_term_1_moves_only_term_1():
    original = {(step.term, step.activity, step.step): step for term in load_2566() for step in term.steps}
    moved = {
        (step.term, step.activity, step.step): step for term in load_2566({1: 14}) for step in term.steps
    }
    assert original.keys() == moved.keys()
    for key, step in moved.items():
        shift = dt.timedelta(days=14 if key[0] == 1 else 0)
        assert step.start == original[key].start + shift, key
        assert step.end == original[key].end + shift, key
    term_1, term_2 = load_2566({1: 14})
    assert term_1.as_of == D(2023, 6, 24)
    assert term_2.as_of == D(2023, 11, 10)


def test_invalid_window_is_rejected():
    document = yaml.safe_load((settings.PLAN_DIR / "2566.yaml").read_text(encoding="utf-8"))
    document["terms"][0]["steps"][0]["end"] = "2023-03-01"
    with pytest.raises(ValueError, match="ends .* before it starts"):
        calendar.parse_plan(document, "bad.yaml")


def test_month_end_leap_year():
    assert calendar.month_end(2024, 2) == D(2024, 2, 29)
    assert calendar.month_end(2023, 2) == D(2023, 2, 28)
    assert calendar.month_end(2023, 12) == D(2023, 12, 31)

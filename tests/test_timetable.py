"""The timetable plugin: plan windows as data intervals, and the month-end rule."""

from __future__ import annotations

import pendulum
import pytest
import yaml
from airflow.timetables.base import DataInterval, TimeRestriction
from exchange import calendar, settings
from plan_timetable import MonthEndTimetable, PlanWindowTimetable

UTC = pendulum.UTC


def bangkok(year, month, day):
    return pendulum.datetime(year, month, day, tz="Asia/Bangkok").in_timezone(UTC)


def test_manual_run_gets_the_window_holding_its_date():
    timetable = PlanWindowTimetable(("submission_intake",))
    interval = timetable.infer_manual_data_interval(run_after=bangkok(2023, 6, 20))
    assert interval.start == bangkok(2023, 6, 11)
    assert interval.end == bangkok(2023, 6, 26)


def test_manual_run_after_a_window_gets_the_last_closed_one():
    timetable = PlanWindowTimetable(("submission_intake",))
    interval = timetable.infer_manual_data_interval(run_after=bangkok(2023, 7, 3))
    assert interval.start == bangkok(2023, 6, 11)


def test_scheduled_runs_follow_the_plan_windows():
    timetable = PlanWindowTimetable(("central_processing",))
    restriction = TimeRestriction(earliest=bangkok(2023, 4, 1), latest=None, catchup=True)
    first = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert first.data_interval == DataInterval(bangkok(2023, 6, 26), bangkok(2023, 7, 6))
    assert first.run_after == bangkok(2023, 7, 6)
    second = timetable.next_dagrun_info(
        last_automated_data_interval=first.data_interval, restriction=restriction
    )
    assert second.data_interval == DataInterval(bangkok(2023, 11, 26), bangkok(2023, 12, 6))
    third = timetable.next_dagrun_info(
        last_automated_data_interval=second.data_interval, restriction=restriction
    )
    assert third is None


def test_serialize_round_trip():
    timetable = PlanWindowTimetable(("statistics", "publication"))
    restored = PlanWindowTimetable.deserialize(timetable.serialize())
    assert restored.activities == ("statistics", "publication")
    assert restored.summary == "plan windows: statistics, publication"


@pytest.fixture
def postponed_plan(tmp_path, monkeypatch):
    """A copy of the 2566 plan with term 1 postponed by 14 days."""
    document = yaml.safe_load((settings.PLAN_DIR / "2566.yaml").read_text(encoding="utf-8"))
    document["terms"][0]["postpone_days"] = 14
    (tmp_path / "2566.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(settings, "PLAN_DIR", tmp_path)
    calendar.load_terms.cache_clear()
    yield tmp_path
    calendar.load_terms.cache_clear()


def test_postponed_term_moves_the_schedule(postponed_plan):
    timetable = PlanWindowTimetable(("submission_intake",))
    restriction = TimeRestriction(earliest=bangkok(2023, 4, 1), latest=None, catchup=True)
    first = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert first.data_interval == DataInterval(bangkok(2023, 6, 25), bangkok(2023, 7, 10))
    second = timetable.next_dagrun_info(
        last_automated_data_interval=first.data_interval, restriction=restriction
    )
    assert second.data_interval == DataInterval(bangkok(2023, 11, 11), bangkok(2023, 11, 26))


def test_month_end_gives_29_february_2024():
    timetable = MonthEndTimetable()
    restriction = TimeRestriction(earliest=bangkok(2024, 1, 1), latest=None, catchup=True)
    january = timetable.next_dagrun_info(last_automated_data_interval=None, restriction=restriction)
    assert january.data_interval.start == bangkok(2024, 1, 31)
    february = timetable.next_dagrun_info(
        last_automated_data_interval=january.data_interval, restriction=restriction
    )
    assert february.data_interval == DataInterval(bangkok(2024, 2, 29), bangkok(2024, 3, 1))
    assert february.run_after == bangkok(2024, 3, 1)


def test_month_end_manual_run():
    timetable = MonthEndTimetable()
    assert timetable.infer_manual_data_interval(
        run_after=bangkok(2024, 2, 29).add(hours=12)
    ).start == bangkok(2024, 2, 29)
    assert timetable.infer_manual_data_interval(run_after=bangkok(2024, 3, 15)).start == bangkok(2024, 2, 29)

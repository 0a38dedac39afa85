"""Timetables that read the education-data plan's calendar (include/plan/*.yaml) as data.

`PlanWindowTimetable` gives a DAG one run per window of its plan activities: the data interval is
the window, and the run starts when the window closes. Postponing a term in the plan file moves
every run of that term. `MonthEndTimetable` gives one run per month for the plan's monthly update,
whose data interval is the last day of the month (Bangkok time).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
from airflow.plugins_manager import AirflowPlugin
from airflow.timetables.base import DagRunInfo, DataInterval, TimeRestriction, Timetable
from exchange import calendar


def _pendulum(moment: dt.datetime) -> pendulum.DateTime:
    return pendulum.instance(moment).in_timezone("UTC")


class PlanWindowTimetable(Timetable):
    """One run per plan window of the given activities, with the window as its data interval."""

    def __init__(self, activities: tuple[str, ...] | list[str]):
        self.activities = tuple(activities)

    @property
    def summary(self) -> str:
        return "plan windows: " + ", ".join(self.activities)

    @property
    def description(self) -> str:
        return f"At the close of each plan window for {', '.join(self.activities)} (include/plan/*.yaml)"

    def serialize(self) -> dict[str, Any]:
        return {"activities": list(self.activities)}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls(data["activities"])

    def validate(self) -> None:
        from airflow.exceptions import AirflowTimetableInvalid

        if not calendar.steps_for(self.activities):
            raise AirflowTimetableInvalid(f"no plan step has activity {', '.join(self.activities)}")

    def _interval(self, step: calendar.Step) -> DataInterval:
        return DataInterval(start=_pendulum(step.window_start), end=_pendulum(step.window_end))

    def infer_manual_data_interval(self, *, run_after: pendulum.DateTime) -> DataInterval:
        """Return the plan window that contains `run_after`, else the last one that closed before it."""
        moment = dt.datetime.fromtimestamp(run_after.timestamp(), tz=dt.UTC)
        steps = calendar.steps_for(self.activities)
        for step in steps:
            if step.contains(moment):
                return self._interval(step)
        closed = [step for step in steps if step.window_end <= moment]
        if closed:
            return self._interval(closed[-1])
        return DataInterval.exact(run_after)

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
    ) -> DagRunInfo | None:
        steps = calendar.steps_for(self.activities)
        if last_automated_data_interval is not None:
            after = last_automated_data_interval.start
            candidates = [step for step in steps if _pendulum(step.window_start) > after]
        elif restriction.earliest is None:
            return None
        else:
            earliest = restriction.earliest
            if not restriction.catchup:
                earliest = max(earliest, pendulum.now("UTC"))
            # Without catch-up, the window still open at `earliest` runs. With catch-up, every
            # window from `earliest` runs.
            candidates = [
                step
                for step in steps
                if _pendulum(step.window_start) >= restriction.earliest
                and (restriction.catchup or _pendulum(step.window_end) > earliest)
            ]
        if not candidates:
            return None
        step = candidates[0]
        interval = self._interval(step)
        if restriction.latest is not None and interval.start > restriction.latest:
            return None
        return DagRunInfo.interval(start=interval.start, end=interval.end)


class MonthEndTimetable(Timetable):
    """One run per month; its data interval is the last day of the month in Bangkok time."""

    summary = "last day of every month"
    description = "On the last day of every month (Bangkok time), for the plan's monthly update"

    def serialize(self) -> dict[str, Any]:
        return {}

    @classmethod
    def deserialize(cls, data: dict[str, Any]) -> Timetable:
        return cls()

    @staticmethod
    def interval_for(year: int, month: int) -> DataInterval:
        last_day = calendar.month_end(year, month)
        start = dt.datetime.combine(last_day, dt.time(0), tzinfo=calendar.BANGKOK)
        return DataInterval(start=_pendulum(start), end=_pendulum(start + dt.timedelta(days=1)))

    def _month_of(self, moment: pendulum.DateTime) -> tuple[int, int]:
        local = dt.datetime.fromtimestamp(moment.timestamp(), tz=calendar.BANGKOK)
        return local.year, local.month

    def infer_manual_data_interval(self, *, run_after: pendulum.DateTime) -> DataInterval:
        """Return the month end on or before `run_after`'s day; a run on the 31st gets that day."""
        year, month = self._month_of(run_after)
        interval = self.interval_for(year, month)
        if interval.start > run_after:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            interval = self.interval_for(year, month)
        return interval

    def next_dagrun_info(
        self,
        *,
        last_automated_data_interval: DataInterval | None,
        restriction: TimeRestriction,
    ) -> DagRunInfo | None:
        if last_automated_data_interval is not None:
            year, month = self._month_of(last_automated_data_interval.start)
            year, month = (year, month + 1) if month < 12 else (year + 1, 1)
        elif restriction.earliest is None:
            return None
        else:
            earliest = restriction.earliest
            if not restriction.catchup:
                earliest = max(earliest, pendulum.now("UTC").subtract(days=1))
            year, month = self._month_of(earliest)
            if self.interval_for(year, month).start < earliest:
                year, month = (year, month + 1) if month < 12 else (year + 1, 1)
        interval = self.interval_for(year, month)
        if restriction.latest is not None and interval.start > restriction.latest:
            return None
        return DagRunInfo.interval(start=interval.start, end=interval.end)


class PlanTimetablePlugin(AirflowPlugin):
    name = "plan_timetable"
    timetables = [PlanWindowTimetable, MonthEndTimetable]

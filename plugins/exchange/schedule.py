"""Which plan activities each DAG serves, and the order in which a term's DAG runs happen.

The DAG files read their activities from here, and `exchange run-term` uses the same table, so a
DAG's schedule and the term runner cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from exchange import calendar as plan_calendar

# DAG id -> plan activities (include/plan/*.yaml) whose windows schedule it, in term order of the DAGs.
PLAN_DAGS: dict[str, tuple[str, ...]] = {
    "submission_intake": ("submission_intake", "late_dataset_intake"),
    "central_processing": ("central_processing",),
    "duplicate_routing": ("duplicate_routing",),
    "duplicate_verification": ("duplicate_verification",),
    "office_reports": ("office_reports",),
    "correction_return": ("correction_return",),
    "agency_correction": ("agency_correction", "agency_reimport"),
    "office_ranking": ("office_ranking",),
    "budget_export": ("budget_export",),
    "statistics_publication": ("statistics", "publication"),
    "ministry_report": ("committee_report", "minister_report"),
    "agency_summary": ("school_summary", "agency_summary"),
    "area_statistics": ("area_statistics",),
    "statistics_yearbook": ("yearbook",),
}
MONTHLY_DAG = "monthly_update"
# Among runs whose windows close at the same moment, this order holds: counts are exported and
# offices ranked before the statistics are published and the ministry's report is written.
SAME_CLOSE_ORDER = [*PLAN_DAGS, MONTHLY_DAG]


@dataclass(frozen=True)
class PlannedRun:
    dag_id: str
    step: str
    window_start: dt.datetime
    window_end: dt.datetime

    @property
    def logical_date(self) -> dt.datetime:
        """Return a moment inside the window; the timetable maps it back to the whole window."""
        return self.window_start + dt.timedelta(hours=12)


def term_runs(academic_year: int, term: int, include_monthly: bool = True) -> list[PlannedRun]:
    """Return every DAG run of a term, in the order the plan's windows close."""
    plan_term = plan_calendar.get_term(academic_year, term)
    runs = []
    for dag_id, activities in PLAN_DAGS.items():
        windows = set()
        for step in plan_term.steps:
            # Two steps of one DAG with the same window (school and agency summaries) are one run.
            if step.activity in activities and (step.window_start, step.window_end) not in windows:
                windows.add((step.window_start, step.window_end))
                runs.append(PlannedRun(dag_id, step.step, step.window_start, step.window_end))
    if include_monthly and runs:
        first_close = min(run.window_end for run in runs if run.dag_id == "submission_intake")
        last_close = max(run.window_end for run in runs)
        day = first_close.date()
        while True:
            month_end = plan_calendar.month_end(day.year, day.month)
            start = dt.datetime.combine(month_end, dt.time(0), tzinfo=plan_calendar.BANGKOK)
            end = start + dt.timedelta(days=1)
            if end > last_close:
                break
            runs.append(PlannedRun(MONTHLY_DAG, "20" if term == 1 else "15", start, end))
            day = month_end + dt.timedelta(days=1)
    return sorted(runs, key=lambda run: (run.window_end, SAME_CLOSE_ORDER.index(run.dag_id)))

"""
### Agency corrections (term 1 step 19, term 2 steps 5 and 14)

**When:** at the close of each correction window: 11–25 September (term 1), 21 December – 21 January
and 1–15 February (term 2).

**What:** takes the agencies' corrected files from the landing area through the same intake (a new
version supersedes the old one), validates them again, marks the issues that are gone as resolved,
and refreshes the duplicate cases, so the budget export counts the corrected records.

**For whom:** the parent agencies and the ICT centre.
**Produces:** assets `warehouse://core/submissions` and `warehouse://quality/issues`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["agency_correction"]


@dag(
    dag_id="agency_correction",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "intake", "quality", "agency"],
)
def agency_correction():
    @task(outlets=[assets()["submissions"]])
    def load_corrected_files(data_interval_start=None) -> dict:
        """Load the corrected files; unchanged files are recognised by checksum and skipped."""
        from exchange import calendar, intake, settings

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            term = calendar.get_term(step.academic_year, step.term)
            result = intake.run_intake(connection, settings.landing_root(), term, step)
        return {"files": result["files"], "counts": result["counts"]}

    @task(outlets=[assets()["validated"]])
    def validate_corrections(data_interval_start=None) -> dict:
        """Validate the new versions and mark issues that are gone as resolved."""
        from exchange import rules

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, address):
            return rules.validate_term(connection, address, step.academic_year, step.term)

    @task(outlets=[assets()["duplicate_cases"]])
    def refresh_duplicate_cases(data_interval_start=None) -> dict:
        """Re-run exact detection so corrected records open or close cases."""
        from exchange import duplicates

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return duplicates.detect_term(connection, step.academic_year, step.term)

    load_corrected_files() >> validate_corrections() >> refresh_duplicate_cases()


agency_correction()

"""
### Office reports on the duplicate check (term 1 steps 16–17, term 2 steps 11–12)

**When:** 1–5 September (term 1) and 22–26 January (term 2).

**What:** for each provincial and regional office, the cases it received, answered, resolved and
escalated, and how many it answered within the verification window; one file per office and a
national table for the ICT centre.

**For whom:** the provincial committees, the regional offices and the ICT centre.
**Produces:** `output/<year>/<term>/office_reports/`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["office_reports"]


@dag(
    dag_id="office_reports",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "duplicates", "provincial_office", "regional_office"],
)
def office_reports():
    @task
    def write_office_reports(data_interval_start=None) -> int:
        """Write each office's duplicate-check report."""
        from exchange import duplicates

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            paths = duplicates.write_office_reports(
                connection, step.academic_year, step.term, term_output_dir(step)
            )
        return len(paths)

    write_office_reports()


office_reports()

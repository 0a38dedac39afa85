"""
### Correction return (term 1 step 18, term 2 step 13)

**When:** 1–10 September (term 1) and 27–31 January (term 2).

**What:** sends every record that breaks the ministry's rules back to its agency: one correction
package per agency (XLSX in Thai with a summary sheet and one sheet per dataset, and a CSV) listing
row, school, column, the value with personal data masked, rule id, message and how to fix it.

**For whom:** the parent agencies, who correct the records in the next window.
**Produces:** `output/<year>/<term>/corrections/<agency>.xlsx|.csv`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["correction_return"]


@dag(
    dag_id="correction_return",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "quality", "agency"],
)
def correction_return():
    @task(outlets=[assets()["corrections"]])
    def write_correction_packages(data_interval_start=None) -> int:
        """Write one correction package per agency with only that agency's issues."""
        from exchange import rules

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            paths = rules.write_correction_packages(
                connection, step.academic_year, step.term, term_output_dir(step)
            )
        return len(paths)

    write_correction_packages()


correction_return()

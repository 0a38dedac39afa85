"""
### Report to the committee and the Minister (term 1 steps 10 and 21, term 2 step 16)

**When:** in July and on 26–30 September (term 1), and 16–20 February (term 2).

**What:** an HTML and PDF report with charts: totals and the change against the previous term, data
quality per agency (errors and queries by rule), progress of the duplicate check, and the ranking
of offices once it exists.

**For whom:** the national education data committee, the Minister and the Deputy Prime Minister.
**Produces:** `output/<year>/<term>/report/`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["ministry_report"]


@dag(
    dag_id="ministry_report",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "outputs", "ict_centre"],
)
def ministry_report():
    @task
    def write_report(data_interval_start=None) -> int:
        """Refresh the statistics and write the HTML and PDF report."""
        from exchange import outputs

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            outputs.refresh_statistics(connection, step.academic_year, step.term)
            paths = outputs.write_ministry_report(
                connection, step.academic_year, step.term, term_output_dir(step)
            )
        return len(paths)

    write_report()


ministry_report()

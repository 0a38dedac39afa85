"""
### Duplicate routing (term 1 step 9, term 2 step 4)

**When:** at the close of the routing window: 6–20 July (term 1), 6–20 December (term 2).

**What:** sends every duplicate case to the offices that must settle it, by the regional-office
table: both schools in one province go to that provincial office; two provinces of one region go to
each provincial office and the regional office; two regions go to each regional office for its own
area. Every case also goes to each agency involved, and the ICT centre sees all. Writes one work
package per office (XLSX in Thai and CSV) holding only that office's cases, with masked IDs and
a column for each school's answer.

**For whom:** provincial and regional education offices, and the agencies that help them verify.
**Produces:** `output/<year>/<term>/work_packages/<office>.xlsx|.csv`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["duplicate_routing"]


@dag(
    dag_id="duplicate_routing",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "duplicates", "ict_centre"],
)
def duplicate_routing():
    @task
    def route_cases(data_interval_start=None) -> dict:
        """Assign every open case of the term to its offices and agencies."""
        from exchange import duplicates

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return duplicates.route_term(connection, step.academic_year, step.term)

    @task(outlets=[assets()["work_packages"]])
    def write_work_packages(data_interval_start=None) -> int:
        """Write one work package per office with only that office's cases."""
        from exchange import duplicates

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            paths = duplicates.write_work_packages(
                connection, step.academic_year, step.term, term_output_dir(step)
            )
        return len(paths)

    route_cases() >> write_work_packages()


duplicate_routing()

"""
### Statistics and publication (term 1 step 24, term 2 steps 18–19)

**When:** 26–30 September (term 1); 21 February – 21 March for the statistics and 22–30 March for the
release (term 2).

**What:** computes statistics from the individual records in the `mart` schema (by region, province,
affiliation, grade, gender and age; teacher-student ratios; schools by size; change against the
previous term) and publishes them as open data: CSV files and a data dictionary, with no personal
data and small counts suppressed so that no cell can be recovered from the totals.

**For whom:** the public, researchers and the ministry's own offices.
**Produces:** asset `warehouse://mart/statistics` and `output/<year>/<term>/open_data/`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["statistics_publication"]


@dag(
    dag_id="statistics_publication",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "outputs", "public"],
)
def statistics_publication():
    @task(outlets=[assets()["statistics"]])
    def refresh_statistics(data_interval_start=None) -> dict:
        """Recompute the term's statistics in the mart."""
        from exchange import outputs

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return outputs.refresh_statistics(connection, step.academic_year, step.term)

    @task
    def publish_open_data(data_interval_start=None) -> dict:
        """Write the public tables and the data dictionary."""
        from exchange import outputs

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return outputs.publish_open_data(connection, step.academic_year, step.term, term_output_dir(step))

    refresh_statistics() >> publish_open_data()


statistics_publication()

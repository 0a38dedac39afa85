"""
### Area statistics and area data items (term 1 steps 11–12, term 2 steps 6–7)

**When:** at the close of each term's half of the all-year window (31 October for term 1, 31 March
for term 2). The monthly update recomputes the same after each month-end load.

**What:** computes students, schools and teachers per region, inspection zone (mapping in
`include/reference/inspection-zones.csv`) and province, and per district, in the `mart` schema;
adds the region and inspection-zone tables to the open-data release with small counts suppressed;
then computes every area data item of `include/area_items/` for every area it applies to, each in a
read-only transaction over the `area` views only. A definition that fails its check is recorded
with its reason and the task fails after the others are stored.

**For whom:** provincial and regional education offices, and the public.
**Produces:** `mart.area_*`, `mart.school_profile`, `mart.district_*`, `mart.area_item_value`;
`output/<year>/<term>/open_data/` (area files) and `output/<year>/<term>/area_items/`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["area_statistics"]


@dag(
    dag_id="area_statistics",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "documents", "provincial_office", "regional_office"],
)
def area_statistics():
    @task(outlets=[assets()["statistics"]])
    def refresh_area_statistics(data_interval_start=None) -> dict:
        """Recompute the term's statistics per region, inspection zone, province and district."""
        from exchange import documents

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return documents.refresh_area_statistics(connection, step.academic_year, step.term)

    @task
    def publish_area_open_data(data_interval_start=None) -> dict:
        """Write the area tables into the open-data release, with small counts suppressed."""
        from exchange import documents

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            manifest = documents.publish_area_open_data(
                connection, step.academic_year, step.term, term_output_dir(step)
            )
            return manifest["suppressed_cells"]

    @task
    def compute_area_items(data_interval_start=None) -> dict:
        """Compute every area data item; fail after storing the others when one is rejected or fails."""
        from airflow.sdk.exceptions import AirflowFailException
        from exchange import documents

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            result = documents.compute_area_items(
                connection, step.academic_year, step.term, term_output_dir(step)
            )
        bad = {
            name: item["message"] for name, item in result["items"].items() if item["status"] != "succeeded"
        }
        if bad:
            raise AirflowFailException(f"area data items not computed: {bad}")
        return result

    refresh_area_statistics() >> [publish_area_open_data(), compute_area_items()]


area_statistics()

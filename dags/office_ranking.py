"""
### Office ranking (term 1 step 23)

**When:** 26–30 September (term 1 only).

**What:** ranks the provincial and regional offices by how completely they checked their duplicate
cases: the share of their cases resolved, then the share answered within the verification window,
with the tie-break written in `docs/outputs.md`.

**For whom:** the ICT centre and the Minister.
**Produces:** `mart.office_ranking` and `output/<year>/<term>/ranking/`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["office_ranking"]


@dag(
    dag_id="office_ranking",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "outputs", "ict_centre"],
)
def office_ranking():
    @task(outlets=[assets()["ranking"]])
    def rank_offices(data_interval_start=None) -> dict:
        """Rank provincial and regional offices by their duplicate-check results."""
        from exchange import outputs

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return outputs.rank_offices(connection, step.academic_year, step.term, term_output_dir(step))

    rank_offices()


office_ranking()

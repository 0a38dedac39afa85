"""
### Budget export (term 1 step 22, term 2 step 17)

**When:** 26–30 September (term 1) and 16–20 February (term 2).

**What:** counts students per school, grade and gender, by affiliation, as of the term's date, with
every child counted once: a resolved duplicate at the school the offices confirmed, an unresolved
one at one school by the documented rule (and flagged), records with errors left out and listed.
Writes CSV and XLSX with Thai headers and a manifest with row counts, totals and sha256.

**For whom:** the Budget Bureau, for the per-head subsidy and the budget request.
**Produces:** `output/<year>/<term>/budget/`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["budget_export"]


@dag(
    dag_id="budget_export",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "outputs", "budget_bureau"],
)
def budget_export():
    @task
    def refresh_statistics(data_interval_start=None) -> dict:
        """Recompute the term's statistics so the export and the mart agree."""
        from exchange import outputs

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return outputs.refresh_statistics(connection, step.academic_year, step.term)

    @task(outlets=[assets()["budget"]])
    def export_budget_counts(data_interval_start=None) -> dict:
        """Write the Budget Bureau's files and their manifest."""
        from exchange import outputs

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            manifest = outputs.export_budget(connection, step.academic_year, step.term, term_output_dir(step))
        return {"total_students": manifest.get("total_students"), "files": len(manifest.get("files", []))}

    refresh_statistics() >> export_budget_counts()


budget_export()

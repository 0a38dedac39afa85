"""
### Monthly update (term 1 step 20, term 2 step 15)

**When:** on the last day of every month (Bangkok time), by the month-end timetable.

**What:** agencies bring their data up to date on the last day of each month. Their updated files in
the landing area go through the same intake (unchanged files are skipped by checksum) and the same
rules, and the term's statistics are refreshed, then the area statistics and the area data items.
The term is the one whose submission window opened most recently before the month's end.

**For whom:** the agencies and everyone who reads the statistics.
**Produces:** assets `warehouse://core/submissions` and `warehouse://mart/statistics`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, latest_intake_step, warehouse
from plan_timetable import MonthEndTimetable


@dag(
    dag_id="monthly_update",
    schedule=MonthEndTimetable(),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "intake", "monthly", "agency"],
)
def monthly_update():
    @task(outlets=[assets()["submissions"]])
    def load_updated_files(data_interval_start=None) -> dict:
        """Load files that changed since the last load of the term."""
        from exchange import calendar, intake, settings

        step = latest_intake_step(data_interval_start)
        if step is None:
            return {"files": 0, "skipped": "no submission window has opened yet"}
        connection, _ = warehouse()
        try:
            term = calendar.get_term(step.academic_year, step.term)
            result = intake.run_intake(connection, settings.landing_root(), term, step)
        finally:
            connection.close()
        return {"files": result["files"], "counts": result["counts"]}

    @task(outlets=[assets()["statistics"]])
    def revalidate_and_refresh(data_interval_start=None) -> dict:
        """Validate the new versions and refresh the statistics."""
        from exchange import outputs

        step = latest_intake_step(data_interval_start)
        if step is None:
            return {"skipped": "no submission window has opened yet"}
        connection, address = warehouse()
        try:
            return outputs.monthly_refresh(connection, address, step.academic_year, step.term)
        finally:
            connection.close()

    @task
    def refresh_area_items(data_interval_start=None) -> dict:
        """Recompute the area statistics and every area data item on the refreshed statistics."""
        from exchange import documents, settings

        step = latest_intake_step(data_interval_start)
        if step is None:
            return {"skipped": "no submission window has opened yet"}
        connection, _ = warehouse()
        try:
            out_dir = settings.output_root() / str(step.academic_year) / str(step.term)
            statistics = documents.refresh_area_statistics(
                connection, step.academic_year, step.term, refresh_term_statistics=False
            )
            items = documents.compute_area_items(connection, step.academic_year, step.term, out_dir)
        finally:
            connection.close()
        return {
            "rows": statistics["rows"],
            "items": {name: item["status"] for name, item in items["items"].items()},
        }

    load_updated_files() >> revalidate_and_refresh() >> refresh_area_items()


monthly_update()

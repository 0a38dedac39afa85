"""
### Statistics yearbook (term 1 step 25)

**When:** at the close of the June window of term 1.

**What:** writes the annual education statistics of the previous academic year from the mart: one
Thai PDF with a table of contents, the national, regional, inspection-zone and provincial tables
and charts, and the same tables as an XLSX workbook. Counts of students are suppressed as in the
open data. The yearbook uses the previous year's term 1 (the count as of 10 June). When the mart
has no statistics for it, the task is skipped with the reason.

**For whom:** the ministry, the public and everyone who prints the yearbook.
**Produces:** `output/<year>/<term>/yearbook/yearbook_<previous year>.pdf` and `.xlsx`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["statistics_yearbook"]


@dag(
    dag_id="statistics_yearbook",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "documents", "public"],
)
def statistics_yearbook():
    @task
    def write_yearbook(data_interval_start=None) -> dict:
        """Write the previous academic year's yearbook as PDF and XLSX."""
        from airflow.sdk.exceptions import AirflowSkipException
        from exchange import documents
        from exchange.documents.yearbook_data import YearbookDataMissing

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            try:
                return documents.write_yearbook(connection, step.academic_year - 1, term_output_dir(step))
            except YearbookDataMissing as missing:
                raise AirflowSkipException(str(missing)) from None

    write_yearbook()


statistics_yearbook()

"""
### Submission summaries (term 1 steps 5 and 7, term 2 step 2)

**When:** at the close of the summary windows: June (term 1: schools' and agencies' summaries) and
November (term 2: agencies' summaries).

**What:** validates any submission of the term not validated yet, then writes each agency's summary
of what it submitted as a Thai PDF ready to attach to its letter, and as XLSX: the eight datasets,
rows, on time or late, open errors and queries by rule, and what is still missing. Curricula,
results and land are due by the end of the late window. In term 1 it also writes every school's own
summary (its rows only), one mapped task per group of province digits in the school codes.

**For whom:** agencies and schools, for their cover letters to the ministry and the agency.
**Produces:** `output/<year>/<term>/summaries/agencies/<agency>/` and `summaries/schools/<agency>/`.
"""

from __future__ import annotations

import os

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run, term_output_dir
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["agency_summary"]


@dag(
    dag_id="agency_summary",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "documents", "agency", "school"],
)
def agency_summary():
    @task(outlets=[assets()["validated"]])
    def validate_submissions(data_interval_start=None) -> dict:
        """Validate the term's submissions that have no up-to-date validation run."""
        from exchange.rules import validate_term

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, address):
            result = validate_term(connection, address, step.academic_year, step.term)
            return {key: result[key] for key in ("validated", "skipped", "issues_open")}

    @task
    def write_agency_summaries(data_interval_start=None, data_interval_end=None) -> dict:
        """Write each agency's summary as PDF and XLSX."""
        from exchange import documents

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            manifest = documents.write_agency_summaries(
                connection, step.academic_year, step.term, term_output_dir(step), at=data_interval_end
            )
            return {"files": len(manifest["files"])}

    @task
    def school_groups(data_interval_start=None) -> list[str]:
        """List the province digits of the term's school codes, when the term has a school summary step."""
        from exchange import calendar, documents

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            activities = {
                plan_step.activity for plan_step in calendar.get_term(step.academic_year, step.term).steps
            }
            if "school_summary" not in activities:
                return []
            provinces = documents.school_provinces(connection, step.academic_year, step.term)
        # A deployment may limit school summaries to some provinces (the demo does, to stay short).
        chosen = os.environ.get("EXCHANGE_SCHOOL_SUMMARY_PROVINCES")
        if chosen:
            provinces = [code for code in provinces if code in chosen.split(",")]
        return provinces

    @task(max_active_tis_per_dagrun=4)
    def write_school_summaries(province: str, data_interval_start=None, data_interval_end=None) -> dict:
        """Write the summaries of the schools whose code has these province digits."""
        from exchange import documents

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return documents.write_school_summaries(
                connection,
                step.academic_year,
                step.term,
                term_output_dir(step),
                at=data_interval_end,
                province=province,
            )

    validated = validate_submissions()
    validated >> write_agency_summaries()
    groups = school_groups()
    validated >> groups
    write_school_summaries.expand(province=groups)


agency_summary()

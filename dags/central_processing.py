"""
### Central processing: the 10-day check (term 1 step 8, term 2 step 3)

**When:** at the close of the ICT centre's processing window: 26 June – 5 July (term 1) and
26 November – 5 December (term 2), from the plan calendar.

**What:** runs the ministry's rules (Great Expectations suites under `include/expectations/`,
evaluated inside PostgreSQL) on every accepted submission of the term and writes one issue row per
failing record and rule (`quality.issue`: rule id, severity error or query, row, column). Then
finds the term's duplicate students: exact duplicates (the same personal ID at more than one
school, across agencies) and suspected ones without a shared ID (G codes, one-digit or transposed
IDs) by probabilistic record linkage.

**For whom:** the ICT centre; its results feed duplicate routing and correction packages.
**Produces:** assets `warehouse://quality/issues` and `warehouse://dedup/cases`.
"""

from __future__ import annotations

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["central_processing"]


@dag(
    dag_id="central_processing",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "quality", "duplicates", "ict_centre"],
)
def central_processing():
    @task(outlets=[assets()["validated"]])
    def validate_submissions(data_interval_start=None) -> dict:
        """Run every rule on every accepted submission of the term and record the issues."""
        from exchange import rules

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, address):
            return rules.validate_term(connection, address, step.academic_year, step.term)

    @task
    def detect_exact_duplicates(data_interval_start=None) -> dict:
        """Open a case for every personal ID enrolled at more than one school."""
        from exchange import duplicates

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return duplicates.detect_term(connection, step.academic_year, step.term)

    @task(outlets=[assets()["duplicate_cases"]])
    def match_suspected_duplicates(data_interval_start=None) -> dict:
        """Open suspected cases for children who may be one child under different IDs."""
        from exchange import duplicates

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, address):
            return duplicates.match_suspected(connection, address, step.academic_year, step.term)

    validate_submissions() >> detect_exact_duplicates() >> match_suspected_duplicates()


central_processing()

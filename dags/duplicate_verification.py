"""
### Duplicate verification and escalation (term 1 steps 13–15, term 2 steps 8–10)

**When:** at the close of the 30-day verification window: 1–30 August (term 1), 21 December –
21 January (term 2).

**What:** imports the answers that provincial and regional offices returned in their work packages
(`<landing root>/<year>/<term>/answers/<office>.xlsx|.csv`), row by row: an unknown case, a school
not in the case, an invalid answer, or an office answering another office's case is rejected with
a clear message, and the valid rows of the file are kept. A case with one school "studying here"
is resolved at that school. When the window closes, a case with more than one school "studying
here", or with no answer, goes to the provincial committee's list.

**For whom:** provincial offices, regional offices and the provincial education data committees.
**Produces:** asset `warehouse://dedup/verdicts`.
"""

from __future__ import annotations

import logging
from pathlib import Path

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["duplicate_verification"]
log = logging.getLogger(__name__)


@dag(
    dag_id="duplicate_verification",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "duplicates", "provincial_office", "regional_office"],
)
def duplicate_verification():
    @task
    def import_office_answers(data_interval_start=None) -> dict:
        """Import every returned work package of the term and apply the valid answers."""
        from exchange import duplicates, landing, settings

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            answers = (
                Path(landing.term_folder(settings.landing_root(), step.academic_year, step.term)) / "answers"
            )
            if not answers.is_dir():
                log.warning("No answers folder %s: no office has returned its work package", answers)
                return {"files": 0}
            return duplicates.import_answers(connection, step.academic_year, step.term, answers)

    @task(outlets=[assets()["verdicts"]])
    def escalate_unsettled_cases(data_interval_start=None) -> dict:
        """Send every case that is still unsettled at the window's close to the provincial committee."""
        from exchange import duplicates

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, _):
            return duplicates.escalate(connection, step.academic_year, step.term, step.window_end)

    import_office_answers() >> escalate_unsettled_cases()


duplicate_verification()

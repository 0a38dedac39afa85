"""
### Submission intake (term 1 step 6, term 2 step 1)

**When:** at the close of each submission window in the plan calendar (`include/plan/*.yaml`):
11–25 June for term 1 (curricula, results and land: 1–31 August) and 11–25 November for term 2.
Postponing a term in the calendar moves these runs.

**What:** reads every agency file under `<landing root>/<academic year>/<term>/<agency>/<dataset>.csv|.xlsx`,
gives each a receipt (`intake.submission`: sha256, bytes, rows, encoding, on time or late, status and
reason) and loads accepted files into `core.<dataset>` by streaming COPY, one transaction per file.
The same file twice is a no-op; a new version supersedes the old one, which stays queryable.
Rejected files keep the previous accepted version in force.

**For whom:** the parent agencies (receipts) and the ICT centre, whose central check starts next.
**Produces:** asset `warehouse://core/submissions`.
"""

from __future__ import annotations

import os

from airflow.sdk import dag, task
from exchange.schedule import PLAN_DAGS
from plan_dags import DEFAULT_ARGS, PLAN_START, assets, plan_run
from plan_timetable import PlanWindowTimetable

ACTIVITIES = PLAN_DAGS["submission_intake"]


@dag(
    dag_id="submission_intake",
    schedule=PlanWindowTimetable(ACTIVITIES),
    start_date=PLAN_START,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    doc_md=__doc__,
    tags=["plan", "intake", "agency"],
)
def submission_intake():
    @task(outlets=[assets()["submissions"]])
    def load_landing_files(data_interval_start=None) -> dict:
        """Load every file in the term's landing folder and record a receipt for each."""
        from exchange import calendar, intake, settings

        with plan_run(ACTIVITIES, data_interval_start) as (step, connection, address):
            term = calendar.get_term(step.academic_year, step.term)
            reject_late = os.environ.get("EXCHANGE_REJECT_LATE") == "1"
            # Two files load at once, each in its own transaction: the largest sets the pace.
            result = intake.run_intake(
                connection, settings.landing_root(), term, step, reject_late, address=address, workers=2
            )
        rejected = [receipt for receipt in result["receipts"] if receipt["status"] == "rejected"]
        return {"files": result["files"], "counts": result["counts"], "rejected": len(rejected)}

    load_landing_files()


submission_intake()

"""DAG integrity: every plan DAG imports, is documented, scheduled by the plan and alerts on failure."""

from __future__ import annotations

import pytest
from airflow.dag_processing.dagbag import DagBag
from exchange.schedule import MONTHLY_DAG, PLAN_DAGS
from plan_timetable import MonthEndTimetable, PlanWindowTimetable

from tests.conftest import ROOT

EXPECTED_DAGS = {*PLAN_DAGS, MONTHLY_DAG}


@pytest.fixture(scope="module")
def dag_bag() -> DagBag:
    return DagBag(dag_folder=str(ROOT / "dags"))


def test_no_import_errors(dag_bag):
    assert dag_bag.import_errors == {}


def test_every_plan_dag_is_present(dag_bag):
    assert set(dag_bag.dag_ids) == EXPECTED_DAGS


@pytest.mark.parametrize("dag_id", sorted(EXPECTED_DAGS))
def test_dag_metadata(dag_bag, dag_id):
    dag = dag_bag.dags[dag_id]
    assert dag.doc_md and "**When:**" in dag.doc_md and "**What:**" in dag.doc_md
    assert "plan" in dag.tags
    assert dag.max_active_runs == 1
    assert dag.catchup is False
    for task in dag.tasks:
        assert task.owner == "ict_centre"
        assert task.retries >= 1
        assert task.on_failure_callback


@pytest.mark.parametrize("dag_id", sorted(PLAN_DAGS))
def test_dag_is_scheduled_by_its_plan_activities(dag_bag, dag_id):
    timetable = dag_bag.dags[dag_id].timetable
    assert isinstance(timetable, PlanWindowTimetable)
    assert timetable.activities == PLAN_DAGS[dag_id]


def test_monthly_dag_uses_month_end(dag_bag):
    assert isinstance(dag_bag.dags[MONTHLY_DAG].timetable, MonthEndTimetable)


def test_dag_files_import_nothing_heavy_at_top_level():
    heavy = (
        "import pandas",
        "import great_expectations",
        "import splink",
        "import openpyxl",
        "import psycopg2",
    )
    for path in (ROOT / "dags").glob("*.py"):
        top_level = [
            line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith(" ")
        ]
        assert not [line for line in top_level if line.startswith(heavy)], path.name


def test_database_errors_lose_their_values():
    import psycopg2.errors
    from plan_dags import without_values

    error = psycopg2.errors.DatetimeFieldOverflow(
        "date/time field value out of range: \"2016-02-30\"\nLINE 1: select '2016-02-30'::date\n"
    )
    assert without_values(error) == 'date/time field value out of range: "…"'

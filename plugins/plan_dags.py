"""What every plan DAG shares: default arguments, the failure callback, the plan step of a run,
and the warehouse connection. Kept light, because DAG files import it at parse time."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from typing import Any

import pendulum

log = logging.getLogger(__name__)

OWNER = "ict_centre"
PLAN_START = pendulum.datetime(2023, 4, 1, tz="Asia/Bangkok")


def log_failure(context: dict[str, Any]) -> None:
    """Log a failed task with its DAG, run and try, and e-mail it when SMTP is configured."""
    task_instance = context.get("task_instance") or context.get("ti")
    exception = context.get("exception")
    log.error(
        "Task failed: dag=%s task=%s run=%s try=%s error=%s",
        getattr(task_instance, "dag_id", None),
        getattr(task_instance, "task_id", None),
        getattr(task_instance, "run_id", None),
        getattr(task_instance, "try_number", None),
        type(exception).__name__ if exception else None,
    )
    from exchange.alerts import send_failure_email

    send_failure_email(context)


def retry_policy():
    """Return the plan's retry policy: transient database errors are retried with the task's backoff,
    while invalid data fails at once, because every retry would fail the same way.

    Exceptions that no rule names keep Airflow's default: retried up to `retries` times.
    """
    from airflow.sdk import ExceptionRetryPolicy, RetryAction, RetryRule

    return ExceptionRetryPolicy(
        rules=[
            RetryRule(
                exception=["psycopg2.OperationalError", "sqlalchemy.exc.OperationalError"],
                action=RetryAction.RETRY,
                reason="transient database error (lost connection, deadlock, serialization failure)",
            ),
            RetryRule(
                exception=[
                    "exchange.readers.common.FileRejected",
                    "psycopg2.DataError",
                    "psycopg2.IntegrityError",
                    "psycopg2.ProgrammingError",
                    "sqlalchemy.exc.DataError",
                    "sqlalchemy.exc.IntegrityError",
                ],
                action=RetryAction.FAIL,
                reason="invalid data or SQL: a retry would fail the same way",
            ),
        ]
    )


DEFAULT_ARGS = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": dt.timedelta(seconds=30),
    "retry_exponential_backoff": True,
    "max_retry_delay": dt.timedelta(minutes=10),
    "retry_policy": retry_policy(),
    "on_failure_callback": log_failure,
}


def plan_step(activities: tuple[str, ...], data_interval_start: Any):
    """Return the plan step whose window starts this run's data interval.

    Raises AirflowFailException, which fails the task without retries, for a manual run whose date
    falls in no window of the plan, because a step run outside its window would not know which
    term it serves.
    """
    from airflow.sdk.exceptions import AirflowFailException
    from exchange import calendar

    moment = dt.datetime.fromtimestamp(data_interval_start.timestamp(), tz=dt.UTC)
    step = calendar.step_at(activities, moment)
    if step is None:
        raise AirflowFailException(
            f"no plan window of {', '.join(activities)} contains {moment.isoformat()}; "
            "trigger the run with a logical date inside the step's window (include/plan/*.yaml)"
        )
    log.info(
        "Plan step %s of term %s, academic year %s: %s to %s",
        step.step,
        step.term,
        step.academic_year,
        step.start,
        step.end,
    )
    return step


def warehouse():
    """Return (psycopg2 connection, ServerAddress) for the Airflow connection `warehouse`.

    The connection's details come from Airflow (an AIRFLOW_CONN_WAREHOUSE variable, a secrets
    backend or the UI). The domain package is written for psycopg2, so the connection is opened
    with it rather than with the provider's hook, which may return a psycopg 3 connection.
    """
    from airflow.sdk import BaseHook
    from exchange import settings
    from exchange import warehouse as warehouse_module
    from exchange.warehouse import ServerAddress

    connection = BaseHook.get_connection(settings.WAREHOUSE_CONN_ID)
    address = ServerAddress(
        host=connection.host or "localhost",
        port=connection.port or 5432,
        user=connection.login or "postgres",
        password=connection.password or "",
        database=connection.schema or settings.WAREHOUSE_DATABASE,
    )
    return warehouse_module.connect(address), address


def term_output_dir(step) -> Any:
    from exchange import settings

    folder = settings.output_root() / str(step.academic_year) / str(step.term)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def assets():
    """Return the plan's assets, created on first use so importing this module stays cheap."""
    from airflow.sdk import Asset

    return {
        "submissions": Asset("warehouse://core/submissions"),
        "validated": Asset("warehouse://quality/issues"),
        "duplicate_cases": Asset("warehouse://dedup/cases"),
        "work_packages": Asset("file://output/work_packages"),
        "verdicts": Asset("warehouse://dedup/verdicts"),
        "corrections": Asset("file://output/corrections"),
        "statistics": Asset("warehouse://mart/statistics"),
        "budget": Asset("file://output/budget"),
        "ranking": Asset("warehouse://mart/office_ranking"),
    }


QUOTED_VALUE = re.compile(r'"[^"]*"|\'[^\']*\'')


def without_values(error: Exception) -> str:
    """Return a database error's first line with every quoted value replaced by "…".

    PostgreSQL quotes the offending value in messages such as `invalid input syntax for type date:
    "2016-02-30"`, and its DETAIL and CONTEXT lines can hold whole rows; task logs must not.
    """
    first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return QUOTED_VALUE.sub('"…"', first_line)


@contextlib.contextmanager
def plan_run(activities: tuple[str, ...], data_interval_start: Any):
    """Yield (plan step, warehouse connection, warehouse address) for a task, and close the connection.

    A database error is raised again as the same psycopg2 class (so the retry policy still tells
    transient from permanent errors) with its values removed and without the original traceback.
    """
    import psycopg2

    step = plan_step(activities, data_interval_start)
    connection, address = warehouse()
    try:
        yield step, connection, address
    except psycopg2.Error as error:
        raise type(error)(without_values(error)) from None
    finally:
        connection.close()


def latest_intake_step(moment: Any):
    """Return the submission-intake step that opened most recently before `moment`, or None."""
    from exchange import calendar

    instant = dt.datetime.fromtimestamp(moment.timestamp(), tz=dt.UTC)
    opened = [step for step in calendar.steps_for(("submission_intake",)) if step.window_start <= instant]
    return opened[-1] if opened else None

"""Failure e-mail, sent only when an SMTP server and a recipient are configured."""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)


def send_failure_email(context: dict[str, Any]) -> None:
    """E-mail a task failure to EXCHANGE_ALERT_EMAIL through Airflow's SMTP connection, if set."""
    recipient = os.environ.get("EXCHANGE_ALERT_EMAIL")
    if not recipient:
        return
    task_instance = context.get("task_instance") or context.get("ti")
    subject = (
        f"[exchange] {getattr(task_instance, 'dag_id', '?')}.{getattr(task_instance, 'task_id', '?')} failed"
    )
    body = (
        f"DAG {getattr(task_instance, 'dag_id', '?')}, task {getattr(task_instance, 'task_id', '?')}, "
        f"run {getattr(task_instance, 'run_id', '?')}, "
        f"try {getattr(task_instance, 'try_number', '?')} failed. "
        "See the task log in the Airflow UI."
    )
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=os.environ.get("EXCHANGE_SMTP_CONN_ID", "smtp_default")) as hook:
            hook.send_email_smtp(to=recipient, subject=subject, html_content=body)
    except Exception as error:  # an alert must never hide the task's own failure
        log.error("Failure e-mail to the configured recipient failed: %s", type(error).__name__)

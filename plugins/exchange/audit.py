"""The audit trail: who submitted, answered or exported what, and when."""

from __future__ import annotations

import json


def record(cursor, actor: str, action: str, subject: str, detail: dict | None = None) -> None:
    """Add an audit event in the caller's transaction, so it commits or rolls back with the work."""
    cursor.execute(
        "INSERT INTO audit.event (actor, action, subject, detail) VALUES (%s, %s, %s, %s)",
        (actor, action, subject, json.dumps(detail or {}, ensure_ascii=False)),
    )

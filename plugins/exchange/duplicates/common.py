"""Names and helpers shared by the duplicate-student modules: office ids, SQL files, the term lock."""

from __future__ import annotations

import re

from exchange.warehouse import read_sql

ICT_CENTRE = "ict_centre"
OFFICE_TYPES = ("provincial_office", "regional_office", "agency", "ict_centre")
COMMITTEE_TYPE = "provincial_committee"
# provincial_office:10, regional_office:1, agency:OBEC, provincial_committee:10, ict_centre
OFFICE_TYPES_WITH_CODE = "provincial_office|regional_office|agency|provincial_committee"
OFFICE_ID = re.compile(rf"^(?:({OFFICE_TYPES_WITH_CODE}):([A-Za-z0-9]+)|ict_centre)$")
STATUSES = ("open", "answered", "resolved", "escalated", "decided", "closed")
STUDYING_HERE = 100


def run_sql(cursor, name: str, params: dict) -> None:
    """Execute the SQL file include/sql/dedup/<name>.sql with named parameters."""
    cursor.execute(read_sql(f"dedup/{name}.sql"), params)


def lock_term(cursor, academic_year: int, term: int) -> None:
    """Serialise every change to one term's cases, so two runs cannot interleave."""
    cursor.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (f"dedup/{academic_year}/{term}",)
    )


def office_type(office_id: str) -> str:
    """Return the office type of an office id, or raise ValueError when the id is not one."""
    match = OFFICE_ID.match(office_id)
    if not match:
        raise ValueError(
            f"invalid office id {office_id!r}: expected provincial_office:PP, regional_office:N, "
            "agency:CODE, provincial_committee:PP or ict_centre"
        )
    return match.group(1) or ICT_CENTRE


def office_file_stem(office_id: str) -> str:
    """Return the file name stem for an office: its id with ':' replaced by '-', because ':' is
    not allowed in Windows file names."""
    office_type(office_id)
    return office_id.replace(":", "-")


def office_from_file_stem(stem: str) -> str | None:
    """Return the office id a file name stem names (`provincial_office-10` or `provincial_office:10`),
    or None."""
    match = re.match(rf"^({OFFICE_TYPES_WITH_CODE})[-:_]([A-Za-z0-9]+)$", stem)
    if match:
        return f"{match.group(1)}:{match.group(2)}"
    return ICT_CENTRE if stem == ICT_CENTRE else None

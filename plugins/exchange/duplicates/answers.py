"""Answer import: the work-package files that offices return with the answer column filled.

Each file is checked row by row and stored in one transaction: valid rows are kept even when other
rows of the same file are rejected, and every rejection names the file, row and column.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg2.extensions
from psycopg2.extras import execute_values

from exchange import audit
from exchange.contracts import normalise_header
from exchange.duplicates.common import COMMITTEE_TYPE, lock_term, office_from_file_stem, office_type, run_sql
from exchange.duplicates.labels import parse_answer
from exchange.duplicates.lifecycle import update_statuses_from_answers
from exchange.duplicates.packages import COLUMNS
from exchange.duplicates.spreadsheet import read_rows
from exchange.warehouse import transaction

log = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 10
READ_COLUMNS = ("case_id", "school_code", "answer", "note")
HEADER_OF = {key: header for key, header, _width in COLUMNS}
# Values shown back in a message: short ones without a run of digits that could be an ID.
SHOWABLE = re.compile(r"^(?!.*\d{6}).{1,30}$")


@dataclass
class AnswerFileResult:
    file: str
    office_id: str | None
    rows_read: int = 0
    rows_accepted: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    status_changes: dict[str, int] | None = None


def _column_label(key: str) -> str:
    return f"{HEADER_OF[key]} ({key})"


def _find_header(rows: list[tuple[int, list[str]]]) -> tuple[int, dict[str, int]] | None:
    """Return the index of the header row among the first rows and the position of each column read."""
    names = {normalise_header(header): key for key, header, _width in COLUMNS}
    names.update({normalise_header(key): key for key, _header, _width in COLUMNS})
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        positions: dict[str, int] = {}
        for position, cell in enumerate(cells):
            key = names.get(normalise_header(cell))
            if key in READ_COLUMNS and key not in positions:
                positions[key] = position
        if {"case_id", "school_code", "answer"} <= positions.keys():
            return index, positions
    return None


def _problem_message(name: str, row: tuple, office_id: str, academic_year: int, term: int) -> str:
    source_row, case_text, case_id, school_code, answer_text, problem = row
    where = f"{name} row {source_row}"
    if problem == "invalid_case_id" and not case_text:
        return f"{where}, column {_column_label('case_id')}: missing case id; copy it from the work package"
    if problem == "invalid_case_id":
        shown = f" {case_text!r}" if SHOWABLE.match(case_text or "") else ""
        return (f"{where}, column {_column_label('case_id')}: invalid case id{shown}; "
                "copy it from the work package")
    if problem == "unknown_case":
        return (f"{where}, column {_column_label('case_id')}: case {case_id} not found in term {term} of "
                f"{academic_year}; copy the case id from the work package")
    if problem == "other_office_case":
        return (f"{where}, column {_column_label('case_id')}: case {case_id} was not sent to {office_id}; "
                "an office may answer only the cases in its own work package")
    if problem == "school_not_in_case" and not school_code:
        return (f"{where}, column {_column_label('school_code')}: missing school code; copy it from the "
                "work package")
    if problem == "school_not_in_case":
        return (f"{where}, column {_column_label('school_code')}: school {school_code} is not part of "
                f"case {case_id}")
    if problem == "school_outside_area":
        return (f"{where}, column {_column_label('school_code')}: school {school_code} of case {case_id} is "
                f"outside the area of {office_id}; the office of that school's area answers for it")
    if problem == "case_closed":
        return (f"{where}, column {_column_label('case_id')}: case {case_id} is closed because a "
                "correction took the child off all rolls but one; no answer is needed")
    shown = f" {answer_text!r}" if SHOWABLE.match(answer_text or "") else ""
    return (f"{where}, column {_column_label('answer')}: invalid answer{shown}; expected a code 100 or "
            "201-206 or its Thai label, for example 100 กำลังศึกษาอยู่")


def _read_answer_rows(path: Path) -> list[tuple]:
    """Return (source_row, case text, case id, school code, answer text, answer code, note) for every
    row with an answer. Raises ValueError when the file cannot be read or has no header row."""
    rows = list(read_rows(path))
    header = _find_header(rows)
    if header is None:
        raise ValueError(
            f"{path.name}: no header row with the columns {_column_label('case_id')}, "
            f"{_column_label('school_code')} and {_column_label('answer')}; return the work package's layout"
        )
    index, positions = header

    def cell(cells: list[str], key: str) -> str:
        position = positions.get(key)
        return cells[position] if position is not None and position < len(cells) else ""

    answers = []
    for number, cells in rows[index + 1:]:
        answer_text = cell(cells, "answer")
        if not answer_text:
            continue
        case_text = cell(cells, "case_id")
        # Case ids are bigint; a longer run of digits is not one and would overflow the column.
        is_case_id = case_text.isascii() and case_text.isdigit() and len(case_text) <= 18
        case_id = int(case_text) if is_case_id else None
        note = cell(cells, "note") or None
        answers.append((number, case_text, case_id, cell(cells, "school_code") or None, answer_text,
                        parse_answer(answer_text), note))
    return answers


def _import_file(
    connection, path: Path, office_id: str, academic_year: int, term: int
) -> tuple[AnswerFileResult, list[str]]:
    result = AnswerFileResult(path.name, office_id)
    if office_type(office_id) == COMMITTEE_TYPE:
        return result, [f"{path.name}: {office_id} is a provincial committee; a committee records its "
                        "decision on an escalated case, not answers"]
    try:
        rows = _read_answer_rows(path)
    except ValueError as error:
        return result, [str(error)]
    result.rows_read = len(rows)
    answered_at = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
    params = {"academic_year": academic_year, "term": term, "office_id": office_id,
              "answered_at": answered_at, "source_file": path.name}
    with transaction(connection) as cursor:
        lock_term(cursor, academic_year, term)
        cursor.execute(
            """
            CREATE TEMP TABLE answer_row (
                source_row integer PRIMARY KEY, case_text text, case_id bigint, school_code text,
                answer_text text, answer_code smallint, note text, problem text
            ) ON COMMIT DROP
            """
        )
        execute_values(
            cursor,
            "INSERT INTO answer_row (source_row, case_text, case_id, school_code, answer_text, answer_code, "
            "note) VALUES %s",
            rows,
        )
        run_sql(cursor, "answer_row_problems", params)
        cursor.execute(
            "SELECT source_row, case_text, case_id, school_code, answer_text, problem FROM answer_row "
            "WHERE problem IS NOT NULL ORDER BY source_row"
        )
        problems = [
            _problem_message(path.name, row, office_id, academic_year, term) for row in cursor.fetchall()
        ]
        run_sql(cursor, "insert_answers", params)
        result.rows_accepted = cursor.rowcount
        result.rows_rejected = len(problems)
        result.rows_unchanged = result.rows_read - result.rows_rejected - result.rows_accepted
        result.status_changes = update_statuses_from_answers(cursor, academic_year, term, office_id)
        audit.record(cursor, office_id, "duplicate_answers_imported", f"dedup/{academic_year}/{term}",
                     {"file": path.name, "accepted": result.rows_accepted, "unchanged": result.rows_unchanged,
                      "rejected": result.rows_rejected})
    return result, problems


def import_answers(
    connection: psycopg2.extensions.connection,
    academic_year: int,
    term: int,
    answers_dir: Path,
    office_id: str | None = None,
) -> dict:
    """Import every CSV and XLSX answer file in `answers_dir` and move the cases they settle.

    The answering office is `office_id` for every file when given, otherwise the office its file
    name names (provincial_office-10.xlsx, as write_work_packages names it). An answer's time is
    the file's modification time. Return {"files", "rows_read", "rows_accepted", "rows_unchanged",
    "rows_rejected", "errors": [message, ...], "status_changes": {status: cases}}.
    """
    if office_id is not None:
        office_type(office_id)
    files = sorted(path for path in Path(answers_dir).iterdir()
                   if path.is_file() and path.suffix.lower() in (".csv", ".xlsx"))
    results: list[AnswerFileResult] = []
    errors: list[str] = []
    for path in files:
        office = office_id or office_from_file_stem(path.stem)
        if office is None:
            errors.append(f"{path.name}: the file name names no office; name it as its work package, "
                          "for example provincial_office-10.xlsx")
            results.append(AnswerFileResult(path.name, None))
            continue
        result, problems = _import_file(connection, path, office, academic_year, term)
        results.append(result)
        errors.extend(problems)
        log.info("Answer file %s from %s: %s rows read, %s accepted, %s unchanged, %s rejected", path.name,
                 office, result.rows_read, result.rows_accepted, result.rows_unchanged, len(problems))
    status_changes: dict[str, int] = {}
    for result in results:
        for status, count in (result.status_changes or {}).items():
            status_changes[status] = status_changes.get(status, 0) + count
    summary = {
        "files": len(files),
        "rows_read": sum(result.rows_read for result in results),
        "rows_accepted": sum(result.rows_accepted for result in results),
        "rows_unchanged": sum(result.rows_unchanged for result in results),
        "rows_rejected": sum(result.rows_rejected for result in results),
        "errors": errors,
        "status_changes": status_changes,
    }
    log.info("Imported answers for term %s of %s from %s files: %s accepted, %s rejected; status changes %s",
             term, academic_year, len(files), summary["rows_accepted"], summary["rows_rejected"],
             status_changes)
    return summary

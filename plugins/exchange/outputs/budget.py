"""The Budget Bureau's per-term student counts (term 1 step 22, term 2 step 17).

Counts come from `counting.prepare_counted_students` (each child once), are stored in
mart.budget_count, and are written to `<out_dir>/budget/` as CSV and XLSX with Thai headers, with a
manifest. No file contains a wall-clock time, so exporting the same counts again gives the same
bytes.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from exchange import audit
from exchange.outputs import counting
from exchange.outputs.files import file_entry, write_csv, write_xlsx
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

FOLDER = "budget"
# (Thai header, column name in mart.budget_count or the query), in file order.
COLUMNS = [
    ("ปีการศึกษา", "academic_year"),
    ("ภาคเรียน", "term"),
    ("ข้อมูล ณ วันที่", "as_of_date"),
    ("รหัสสังกัด", "affiliation_code"),
    ("หน่วยงานต้นสังกัด", "agency"),
    ("ชื่อหน่วยงานต้นสังกัด", "agency_name_th"),
    ("รหัสจังหวัด", "province_code"),
    ("จังหวัด", "province_name_th"),
    ("รหัสสถานศึกษา", "school_code"),
    ("ชื่อสถานศึกษา", "school_name"),
    ("ระดับการศึกษา", "level_th"),
    ("ชั้น", "grade"),
    ("เพศ", "gender"),
    ("จำนวนนักเรียน", "students"),
    ("จำนวนซ้ำซ้อนที่ยังไม่ยุติ", "unresolved_duplicate_count"),
    ("จำนวนที่สงสัยว่าซ้ำซ้อน", "suspected_duplicate_count"),
]
COUNTING_RULE = (
    "Each child once. Records with an open error-severity issue or enrolled after the as-of date are "
    "left out. A child in a resolved or decided duplicate case counts at the confirmed school only. "
    "An unsettled exact duplicate counts once, at the record with the latest enrolment date, then the "
    "lowest school code, and is flagged in unresolved_duplicate_count. Suspected duplicates count as "
    "separate children until settled, flagged in suspected_duplicate_count. Remaining records with one "
    "personal ID count once by the same order."
)


def _fetch(cursor, sql_file: str, parameters: dict) -> list[dict]:
    cursor.execute(read_sql(sql_file), parameters)
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def store_budget_counts(connection, academic_year: int, term: int) -> dict:
    """Replace the term's rows of mart.budget_count and mart.budget_exclusion in one transaction."""
    parameters = counting.term_parameters(academic_year, term)
    with transaction(connection) as cursor:
        counting.delete_term_rows(cursor, ("budget_count", "budget_exclusion"), parameters)
        counts = counting.prepare_counted_students(cursor, parameters)
        cursor.execute(read_sql("outputs/budget_exclusions.sql"), parameters)
        cursor.execute(read_sql("outputs/budget_count_insert.sql"), parameters)
        counts["budget_rows"] = cursor.rowcount
        records = _fetch(cursor, "outputs/term_student_records.sql", parameters)
    counts["records_by_agency"] = records
    return counts


def _file_rows(connection, parameters: dict):
    """Yield the file's rows from a server-side cursor, so a national export is never all in memory."""
    with connection.cursor(name="budget_file_rows") as cursor:
        cursor.itersize = 20_000
        cursor.execute(read_sql("outputs/budget_file_rows.sql"), parameters)
        yield from cursor


def _manifest(connection, parameters: dict, counts: dict, files: list[dict]) -> dict:
    with connection.cursor() as cursor:
        totals = _fetch(cursor, "outputs/budget_totals.sql", parameters)
        cursor.execute(
            """
            SELECT agency, reason, rule_id, records FROM mart.budget_exclusion
            WHERE academic_year = %(academic_year)s AND term = %(term)s
            ORDER BY agency, reason, rule_id NULLS FIRST
            """,
            parameters,
        )
        exclusions = [
            {"agency": agency, "reason": reason, "rule_id": rule_id, "records": records}
            for agency, reason, rule_id, records in cursor.fetchall()
        ]
    connection.commit()
    by_agency: dict[str, dict] = {}
    for row in totals:
        entry = by_agency.setdefault(
            row["agency"],
            {"students": 0, "by_gender": {}, "unresolved_duplicates": 0, "suspected_duplicates": 0},
        )
        entry["students"] += row["students"]
        entry["by_gender"][row["gender"] or "unknown"] = row["students"]
        entry["unresolved_duplicates"] += row["unresolved_duplicates"]
        entry["suspected_duplicates"] += row["suspected_duplicates"]
    records = {
        row["agency"]: {
            "records": row["records"],
            "records_left_out": row["records"] - row["eligible_records"],
        }
        for row in counts["records_by_agency"]
    }
    return {
        "academic_year": parameters["academic_year"],
        "term": parameters["term"],
        "as_of_date": parameters["as_of_date"].isoformat(),
        "counting_rule": COUNTING_RULE,
        "columns": [{"header": header, "column": column} for header, column in COLUMNS],
        "files": files,
        "totals": {
            "students": sum(entry["students"] for entry in by_agency.values()),
            "unresolved_duplicates": sum(entry["unresolved_duplicates"] for entry in by_agency.values()),
            "suspected_duplicates": sum(entry["suspected_duplicates"] for entry in by_agency.values()),
            "budget_rows": counts["budget_rows"],
            "by_agency": by_agency,
        },
        "records": records,
        "left_out": exclusions,
    }


def export_budget(connection, academic_year: int, term: int, out_dir: Path) -> dict:
    """Count the term's students for the Budget Bureau, store them and write the files.

    Writes `<out_dir>/budget/budget_<year>_<term>.csv` and `.xlsx` and `manifest.json`, and
    returns the manifest: files with rows and sha256, totals per agency and gender, and the
    records left out per agency and rule (no personal data).
    """
    out_dir = Path(out_dir)
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    parameters = counting.term_parameters(academic_year, term)
    counts = store_budget_counts(connection, academic_year, term)

    header = [header for header, _ in COLUMNS]
    stem = f"budget_{academic_year}_{term}"
    csv_path, xlsx_path = folder / f"{stem}.csv", folder / f"{stem}.xlsx"
    csv_rows = write_csv(csv_path, header, _file_rows(connection, parameters))
    connection.commit()
    xlsx_rows = write_xlsx(
        xlsx_path, "นักเรียน", header, _file_rows(connection, parameters), parameters["as_of_date"]
    )
    connection.commit()
    files = [file_entry(csv_path, out_dir, csv_rows), file_entry(xlsx_path, out_dir, xlsx_rows)]

    manifest = _manifest(connection, parameters, counts, files)
    manifest_path = folder / "manifest.json"
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    with transaction(connection) as cursor:
        audit.record(
            cursor,
            "ict_centre",
            "budget_export",
            f"{academic_year}/{term}",
            {"students": manifest["totals"]["students"], "files": [entry["sha256"] for entry in files]},
        )
    log.info(
        "Budget export for term %s of %s: %s students in %s rows",
        term,
        academic_year,
        manifest["totals"]["students"],
        csv_rows,
    )
    return manifest

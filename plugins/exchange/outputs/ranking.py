"""The ranking of provincial and regional offices by how completely they checked their duplicate
cases (term 1 step 23). The rule and its tie-break are in include/sql/outputs/office_ranking_insert.sql
and docs/outputs.md.
"""

from __future__ import annotations

import logging
from pathlib import Path

from exchange import calendar
from exchange.outputs import counting
from exchange.outputs.files import file_entry, write_csv, write_xlsx
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

FOLDER = "ranking"
HEADER = [
    "ประเภทสำนักงาน",
    "อันดับ",
    "รหัสสำนักงาน",
    "ชื่อสำนักงาน",
    "จำนวนกรณีที่ได้รับ",
    "จำนวนกรณีที่ยุติแล้ว",
    "จำนวนกรณีที่ตอบทันกำหนด",
    "ร้อยละที่ยุติแล้ว",
    "ร้อยละที่ตอบทันกำหนด",
]


def rank_offices(connection, academic_year: int, term: int, out_dir: Path) -> dict:
    """Rank the offices of the term, store the ranking in mart.office_ranking and write it as CSV
    and XLSX in Thai under `<out_dir>/ranking/`.

    Returns the files written, the verification window's close and the offices ranked first per
    office type.
    """
    out_dir = Path(out_dir)
    parameters = counting.term_parameters(academic_year, term)
    window = calendar.get_term(academic_year, term).step("duplicate_verification")
    parameters["verification_closes_at"] = window.window_end
    with transaction(connection) as cursor:
        counting.delete_term_rows(cursor, ("office_ranking",), parameters)
        cursor.execute(read_sql("outputs/office_ranking_insert.sql"), parameters)
        cursor.execute(read_sql("outputs/office_ranking_rows.sql"), parameters)
        rows = cursor.fetchall()
    stem = f"office_ranking_{academic_year}_{term}"
    csv_path = out_dir / FOLDER / f"{stem}.csv"
    xlsx_path = out_dir / FOLDER / f"{stem}.xlsx"
    write_csv(csv_path, HEADER, rows)
    write_xlsx(xlsx_path, "อันดับสำนักงาน", HEADER, rows, parameters["as_of_date"])
    ranked = [row for row in rows if row[1] is not None]
    first = {row[2].split(":")[0]: row[2] for row in ranked if row[1] == 1}
    result = {
        "academic_year": academic_year,
        "term": term,
        "verification_closes_at": window.window_end.isoformat(),
        "offices": len(rows),
        "offices_ranked": len(ranked),
        "first": first,
        "files": [file_entry(csv_path, out_dir, len(rows)), file_entry(xlsx_path, out_dir, len(rows))],
    }
    log.info(
        "Office ranking for term %s of %s: %s offices ranked of %s",
        term,
        academic_year,
        len(ranked),
        len(rows),
    )
    return result

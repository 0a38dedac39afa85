"""The public release of ministry-level statistics (term 1 step 24, term 2 step 19).

Tables of counts from the term's statistics (run `refresh_statistics` first), written as CSV under
`<out_dir>/open_data/` with a data dictionary in CSV and Markdown. No table has personal data:
counts of students from 1 to 4 are suppressed, with secondary suppression (see suppression.py),
and every published cell is kept in mart.published_cell.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from psycopg2.extras import execute_values

from exchange.outputs import counting
from exchange.outputs.files import file_entry, write_csv
from exchange.outputs.suppression import THRESHOLD, TOTAL, CountTable, SuppressedTable, suppress_together
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

FOLDER = "open_data"
SUPPRESSED_MARK = "[c]"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class TableSpec:
    name: str
    row_kind: str
    column_kind: str
    title_th: str
    description: str
    counts_people: bool


SPECS = [
    TableSpec(
        "students_by_province_level",
        "province",
        "level",
        "จำนวนนักเรียนจำแนกตามจังหวัดและระดับการศึกษา",
        "Students per province of the school and level of education",
        True,
    ),
    TableSpec(
        "students_by_province_agency",
        "province",
        "agency",
        "จำนวนนักเรียนจำแนกตามจังหวัดและสังกัด",
        "Students per province of the school and parent agency",
        True,
    ),
    TableSpec(
        "students_by_school_gender",
        "school",
        "gender",
        "จำนวนนักเรียนรายสถานศึกษาจำแนกตามเพศ",
        "Students per school and gender",
        True,
    ),
    TableSpec(
        "schools_by_province_size_band",
        "province",
        "size_band",
        "จำนวนสถานศึกษาจำแนกตามจังหวัดและขนาด",
        "Schools per province and size band (counts of schools, not suppressed)",
        False,
    ),
]
GENDER_LABELS = {"male": "ชาย", "female": "หญิง", "gender_unknown": "ไม่ระบุเพศ"}
ROW_KEY_COLUMNS = {
    "province": [
        ("province_code", "text", "รหัสจังหวัด", "DOPA province code; 'total' on the national row"),
        ("province_name_th", "text", "ชื่อจังหวัด", "Province name in Thai"),
        ("region", "integer", "ภาค", "Regional education office (1-18) covering the province"),
    ],
    "school": [
        ("school_code", "text", "รหัสสถานศึกษา", "10-digit school code; 'total' on the national row"),
        ("school_name", "text", "ชื่อสถานศึกษา", "School name as the schools dataset gives it"),
        ("province_code", "text", "รหัสจังหวัด", "DOPA province code of the school"),
        ("agency", "text", "หน่วยงานต้นสังกัด", "Parent agency of the school"),
    ],
}


def _load(connection, parameters: dict) -> tuple[dict, dict]:
    counts: dict[str, dict[tuple[str, str], int]] = {spec.name: {} for spec in SPECS}
    labels: dict[str, dict[str, tuple[str, str | None]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(read_sql("outputs/open_data_counts.sql"), parameters)
        for table_name, row_key, column_key, count in cursor.fetchall():
            counts[table_name][(row_key, column_key)] = count
        cursor.execute(read_sql("outputs/open_data_labels.sql"), parameters)
        for kind, key, label_th, extra, _sort_order in cursor.fetchall():
            labels.setdefault(kind, {})[key] = (label_th, extra)
    connection.commit()
    return counts, labels


def _keys(known: list[str], present: set[str]) -> list[str]:
    """Return the reference keys in order, then keys found only in the data, sorted."""
    return known + sorted(present - set(known))


def _build_tables(counts: dict, labels: dict) -> dict[str, CountTable]:
    known = {
        "province": list(labels.get("province", {})),
        "level": list(labels.get("level", {})),
        "agency": list(labels.get("agency", {})),
        "size_band": list(labels.get("size_band", {})),
        "gender": ["male", "female"],
        "school": [],
    }
    tables = {}
    for spec in SPECS:
        table_counts = counts[spec.name]
        rows = _keys(known[spec.row_kind], {row for row, _ in table_counts})
        columns = _keys(known[spec.column_kind], {column for _, column in table_counts})
        links = {}
        if spec.counts_people:
            links[(TOTAL, TOTAL)] = ("national",)
            if spec.row_kind == "province":
                links |= {(row, TOTAL): ("province", row) for row in rows}
        tables[spec.name] = CountTable(spec.name, rows, columns, table_counts, links)
    return tables


def _row_labels(spec: TableSpec, row: str, labels: dict) -> list:
    if spec.row_kind == "province":
        if row == TOTAL:
            return [TOTAL, "รวมทั้งประเทศ", None]
        name, region = labels["province"].get(row, (None, None))
        return [row, name, int(region) if region else None]
    if row == TOTAL:
        return [TOTAL, "รวมทั้งประเทศ", None, None]
    name, extra = labels.get("school", {}).get(row, (None, "|"))
    province_code, agency = (extra or "|").split("|")
    return [row, name, province_code or None, agency or None]


def _write_table(folder: Path, spec: TableSpec, result: SuppressedTable, labels: dict) -> tuple[Path, int]:
    table = result.table
    header = [name for name, *_ in ROW_KEY_COLUMNS[spec.row_kind]] + table.column_keys + [TOTAL]

    def rows():
        for row in [*table.row_keys, TOTAL]:
            values = []
            for column in [*table.column_keys, TOTAL]:
                value = result.published(row, column)
                values.append(SUPPRESSED_MARK if value is None else value)
            yield _row_labels(spec, row, labels) + values

    path = folder / f"{spec.name}.csv"
    return path, write_csv(path, header, rows())


def _column_label(kind: str, key: str, labels: dict) -> str:
    if kind == "gender":
        return GENDER_LABELS.get(key, key)
    return labels.get(kind, {}).get(key, ("ไม่ทราบ" if key == UNKNOWN else key, None))[0]


def _dictionary(results: dict[str, SuppressedTable], labels: dict) -> list[list[str]]:
    entries = []
    for spec in SPECS:
        table = results[spec.name].table
        file_name = f"{spec.name}.csv"
        for name, value_type, label_th, description in ROW_KEY_COLUMNS[spec.row_kind]:
            entries.append([file_name, name, value_type, label_th, description])
        unit = "students" if spec.counts_people else "schools"
        for column in table.column_keys:
            entries.append(
                [
                    file_name,
                    column,
                    "integer",
                    _column_label(spec.column_kind, column, labels),
                    f"Number of {unit} with {spec.column_kind} '{column}'",
                ]
            )
        entries.append([file_name, TOTAL, "integer", "รวม", f"Number of {unit} in the row"])
    return entries


def _write_dictionary(folder: Path, entries: list[list[str]]) -> list[tuple[Path, int]]:
    header = ["file", "column", "type", "label_th", "description"]
    csv_path = folder / "data_dictionary.csv"
    rows = write_csv(csv_path, header, entries)
    lines = [
        "# Open data dictionary",
        "",
        f"Counts of students from 1 to {THRESHOLD - 1} are published as `{SUPPRESSED_MARK}`, and so is at",
        "least one more cell in every row and column that would otherwise have one suppressed cell, so",
        "that no suppressed count equals a published total minus the published cells. Totals are the",
        "true totals. Counts of schools are not suppressed. Files are UTF-8 with a byte order mark.",
        "",
    ]
    for spec in SPECS:
        lines += [
            f"## {spec.name}.csv",
            "",
            f"{spec.title_th}. {spec.description}.",
            "",
            "| column | type | label | description |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {column} | {value_type} | {label_th} | {description} |"
            for file_name, column, value_type, label_th, description in entries
            if file_name == f"{spec.name}.csv"
        ]
        lines.append("")
    markdown_path = folder / "data_dictionary.md"
    markdown_path.write_text("\n".join(lines), encoding="utf-8")
    return [(csv_path, rows), (markdown_path, len(entries))]


def _store_cells(connection, parameters: dict, results: dict[str, SuppressedTable]) -> int:
    values = [
        (
            parameters["academic_year"],
            parameters["term"],
            name,
            row,
            column,
            result.published(row, column),
            result.suppression.get((row, column)),
        )
        for name, result in results.items()
        for (row, column) in result.cells
    ]
    with transaction(connection) as cursor:
        counting.delete_term_rows(cursor, ("published_cell",), parameters)
        execute_values(
            cursor,
            """
            INSERT INTO mart.published_cell
                (academic_year, term, table_name, row_key, column_key, value, suppression)
            VALUES %s
            """,
            values,
            page_size=5000,
        )
    return len(values)


def publish_open_data(connection, academic_year: int, term: int, out_dir: Path) -> dict:
    """Write the term's open-data tables and data dictionary; return a manifest of the files with
    their sha256 and the suppressed cells per table. Raises RuntimeError when the term has no
    statistics yet."""
    out_dir = Path(out_dir)
    folder = out_dir / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    parameters = counting.term_parameters(academic_year, term)
    counts, labels = _load(connection, parameters)
    if not counts["students_by_province_level"]:
        raise RuntimeError(
            f"no statistics for term {term} of {academic_year}: run refresh_statistics before publishing"
        )
    tables = _build_tables(counts, labels)
    people = [tables[spec.name] for spec in SPECS if spec.counts_people]
    results = {result.table.name: result for result in suppress_together(people)}
    for spec in SPECS:
        if not spec.counts_people:
            table = tables[spec.name]
            results[spec.name] = SuppressedTable(table, table.grid(), {})

    written = [_write_table(folder, spec, results[spec.name], labels) for spec in SPECS]
    written += _write_dictionary(folder, _dictionary(results, labels))
    cells = _store_cells(connection, parameters, results)
    suppressed = {
        name: {
            "primary": sum(kind == "primary" for kind in result.suppression.values()),
            "secondary": sum(kind == "secondary" for kind in result.suppression.values()),
        }
        for name, result in results.items()
    }
    manifest = {
        "academic_year": academic_year,
        "term": term,
        "as_of_date": parameters["as_of_date"].isoformat(),
        "suppressed_mark": SUPPRESSED_MARK,
        "threshold": THRESHOLD,
        "files": [file_entry(path, out_dir, rows) for path, rows in written],
        "suppressed_cells": suppressed,
        "published_cells": cells,
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    log.info(
        "Open data for term %s of %s: %s files, suppressed %s", term, academic_year, len(written), suppressed
    )
    return manifest

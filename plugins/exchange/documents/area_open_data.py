"""The area statistics in the open-data release: students per region and per inspection zone and
level, and schools per area, as CSV under `<out_dir>/open_data/` beside the ministry-level tables.

Small counts are suppressed with exchange.outputs.suppression, and more: a region or zone cell
is a sum of province cells of the published `students_by_province_level` table, so a region or
zone cell that contains a suppressed province cell is suppressed too ('linked'). Every cell these
tables publish is then a sum of published province cells, and the area tables cannot give back a
suppressed province count, whatever the differences taken between regions, zones and provinces.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from psycopg2.extras import execute_values

from exchange.outputs import counting
from exchange.outputs.files import file_entry, write_csv
from exchange.outputs.open_data import SUPPRESSED_MARK
from exchange.outputs.suppression import THRESHOLD, TOTAL, CountTable, SuppressedTable, suppress
from exchange.warehouse import read_sql, transaction

log = logging.getLogger(__name__)

FOLDER = "open_data"
PROVINCE_TABLE = "students_by_province_level"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class AreaTable:
    name: str
    area_type: str
    title_th: str
    description: str


AREA_TABLES = (
    AreaTable(
        "students_by_region_level",
        "region",
        "จำนวนนักเรียนจำแนกตามภาค (สำนักงานศึกษาธิการภาค) และระดับการศึกษา",
        "Students per regional education office area and level of education",
    ),
    AreaTable(
        "students_by_inspection_zone_level",
        "inspection_zone",
        "จำนวนนักเรียนจำแนกตามเขตตรวจราชการและระดับการศึกษา",
        "Students per inspection zone and level of education",
    ),
)
SCHOOLS_FILE = "schools_by_area.csv"
SCHOOLS_HEADER = [
    "area_type",
    "area_code",
    "area_name_th",
    "schools",
    "schools_without_students",
    "small_schools",
    "students_per_teacher",
]


def _fetch(connection, statement: str, parameters: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        rows = cursor.fetchall()
    connection.commit()
    return rows


def load_area_data(connection, parameters: dict) -> dict:
    """Read the term's area counts, labels and the ministry-level release's suppressed province
    cells."""
    counts = _fetch(
        connection,
        """
        SELECT area_type, area_code, level, sum(students)::integer
        FROM mart.area_student_statistic
        WHERE academic_year = %(academic_year)s AND term = %(term)s AND area_type <> 'national'
        GROUP BY area_type, area_code, level
        """,
        parameters,
    )
    provinces = _fetch(
        connection,
        "SELECT province_code, name_th, region::text, inspection_zone FROM area.province "
        "ORDER BY province_code",
        parameters,
    )
    levels = _fetch(connection, read_sql("documents/level_labels.sql"), parameters)
    zones = _fetch(
        connection, "SELECT inspection_zone, zone_name_th FROM area.inspection_zone ORDER BY sort_order", {}
    )
    published = _fetch(
        connection,
        """
        SELECT row_key, column_key FROM mart.published_cell
        WHERE academic_year = %(academic_year)s AND term = %(term)s AND table_name = %(table_name)s
          AND value IS NULL
        """,
        parameters | {"table_name": PROVINCE_TABLE},
    )
    schools = _fetch(connection, read_sql("documents/area_school_rows.sql"), parameters)
    by_type: dict[str, dict[tuple[str, str], int]] = {}
    for area_type, area_code, level, students in counts:
        by_type.setdefault(area_type, {})[(area_code, level)] = students
    return {
        "counts": by_type,
        "provinces": provinces,
        "levels": [level for level, _ in levels],
        "level_labels": dict(levels),
        "zones": zones,
        "published_suppressed": set(published),
        "schools": schools,
    }


def _keys(known: list[str], present: set[str]) -> list[str]:
    return known + sorted(present - set(known))


def province_table(data: dict) -> SuppressedTable:
    """Return the province-by-level table with the suppression of the ministry-level release: the
    cells that release suppressed, and those the same rule suppresses on this run's counts."""
    counts = data["counts"].get("province", {})
    rows = _keys([code for code, *_ in data["provinces"]], {row for row, _ in counts})
    columns = _keys(data["levels"], {column for _, column in counts})
    grid = {*((row, column) for row in [*rows, TOTAL] for column in [*columns, TOTAL])}
    published = {cell for cell in data["published_suppressed"] if cell in grid}
    return suppress(CountTable(PROVINCE_TABLE, rows, columns, counts), forced=published)


def _area_table(spec: AreaTable, data: dict, province_suppressed: set) -> SuppressedTable:
    counts = data["counts"].get(spec.area_type, {})
    if spec.area_type == "region":
        known = sorted({region for _, _, region, _ in data["provinces"]}, key=int)
        area_of = {code: region for code, _, region, _ in data["provinces"]}
    else:
        known = [zone for zone, _ in data["zones"]]
        area_of = {code: zone for code, _, _, zone in data["provinces"]}
    area_of[UNKNOWN] = UNKNOWN
    rows = _keys(known, {row for row, _ in counts})
    columns = _keys(data["levels"], {column for _, column in counts})
    linked = set()
    for province, column in province_suppressed:
        row = TOTAL if province == TOTAL else area_of.get(province, UNKNOWN)
        if row in [*rows, TOTAL] and column in [*columns, TOTAL]:
            linked.add((row, column))
    result = suppress(CountTable(spec.name, rows, columns, counts), forced=linked)
    for cell, kind in result.suppression.items():
        if kind == "secondary" and cell in linked:
            result.suppression[cell] = "linked"
    return result


def suppressed_area_tables(data: dict) -> tuple[dict[str, SuppressedTable], set[tuple[str, str]]]:
    """Return the region and inspection-zone tables by level, suppressed, and the suppressed cells
    of the province table they are linked to."""
    province_suppressed = set(province_table(data).suppression)
    results = {spec.name: _area_table(spec, data, province_suppressed) for spec in AREA_TABLES}
    return results, province_suppressed


def area_names(data: dict) -> dict[tuple[str, str], str]:
    names = {("national", "all"): "ทั้งประเทศ"}
    for code, name, region, _ in data["provinces"]:
        names[("province", code)] = name
        names[("region", region)] = f"สำนักงานศึกษาธิการภาค {region}"
    names |= {("inspection_zone", zone): name for zone, name in data["zones"]}
    return names


def _write_area_table(
    folder: Path, spec: AreaTable, result: SuppressedTable, names: dict
) -> tuple[Path, int]:
    table = result.table
    header = ["area_code", "area_name_th", *table.column_keys, TOTAL]

    def rows():
        for row in [*table.row_keys, TOTAL]:
            label = "รวมทั้งประเทศ" if row == TOTAL else names.get((spec.area_type, row), "ไม่ทราบ")
            values = [result.published(row, column) for column in [*table.column_keys, TOTAL]]
            yield [row, label, *(SUPPRESSED_MARK if value is None else value for value in values)]

    path = folder / f"{spec.name}.csv"
    return path, write_csv(path, header, rows())


def _write_schools(folder: Path, data: dict, names: dict) -> tuple[Path, int]:
    def rows():
        for area_type, area_code, schools, empty, small, staffed_students, teachers, ratio in data["schools"]:
            # A ratio of small counts would narrow them down, so it is published only above the threshold.
            published_ratio = ratio if staffed_students >= THRESHOLD and teachers >= THRESHOLD else None
            yield [
                area_type,
                area_code,
                names.get((area_type, area_code), "ไม่ทราบ"),
                schools,
                empty,
                small,
                SUPPRESSED_MARK if published_ratio is None and ratio is not None else published_ratio,
            ]

    path = folder / SCHOOLS_FILE
    return path, write_csv(path, SCHOOLS_HEADER, rows())


def _write_dictionary(folder: Path, results: dict[str, SuppressedTable], labels: dict) -> tuple[Path, int]:
    lines = [
        "# Area statistics: data dictionary",
        "",
        f"Counts of students from 1 to {THRESHOLD - 1} are published as `{SUPPRESSED_MARK}`, with secondary",
        "suppression as in the ministry-level tables. A region or inspection-zone cell that contains a",
        f"suppressed cell of `{PROVINCE_TABLE}.csv` is published as `{SUPPRESSED_MARK}` too, so that no",
        "difference between areas gives a suppressed province count back. Totals are true totals.",
        "",
    ]
    entries = 0
    for spec in AREA_TABLES:
        lines += [
            f"## {spec.name}.csv",
            "",
            f"{spec.title_th}. {spec.description}.",
            "",
            "| column | label |",
            "|---|---|",
            "| area_code | รหัสพื้นที่ |",
            "| area_name_th | ชื่อพื้นที่ |",
        ]
        lines += [
            f"| {level} | {labels.get(level, 'ไม่ทราบ')} |" for level in results[spec.name].table.column_keys
        ]
        lines += ["| total | รวม |", ""]
        entries += 1
    lines += [
        f"## {SCHOOLS_FILE}",
        "",
        "Schools per area (`national`, `region`, `inspection_zone`, `province`): all schools of the",
        "term, those without counted students, small schools (1–120 students) and students per teacher",
        f"over the schools with both, published when both counts are at least {THRESHOLD}. Counts of",
        "schools are not suppressed.",
        "",
    ]
    path = folder / "area_data_dictionary.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path, entries + 1


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
        counting.delete_term_rows(cursor, ("area_published_cell",), parameters)
        execute_values(
            cursor,
            """
            INSERT INTO mart.area_published_cell
                (academic_year, term, table_name, row_key, column_key, value, suppression)
            VALUES %s
            """,
            values,
            page_size=5000,
        )
    return len(values)


def publish_area_open_data(connection, academic_year: int, term: int, out_dir: Path) -> dict:
    """Write the area open-data tables beside the ministry-level ones; return their manifest.

    Reads mart.area_student_statistic and mart.area_school_statistic (run
    `refresh_area_statistics` first) and, when the ministry-level release has run for the term,
    its suppressed province cells. Raises RuntimeError when the term has no area statistics.
    """
    folder = Path(out_dir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    parameters = counting.term_parameters(academic_year, term)
    data = load_area_data(connection, parameters)
    if not data["schools"]:
        raise RuntimeError(
            f"no area statistics for term {term} of {academic_year}: run refresh_area_statistics first"
        )
    results, province_suppressed = suppressed_area_tables(data)
    names = area_names(data)
    written = [_write_area_table(folder, spec, results[spec.name], names) for spec in AREA_TABLES]
    written.append(_write_schools(folder, data, names))
    written.append(_write_dictionary(folder, results, data["level_labels"]))
    cells = _store_cells(connection, parameters, results)
    suppressed = {
        name: {
            kind: sum(value == kind for value in result.suppression.values())
            for kind in ("primary", "secondary", "linked")
        }
        for name, result in results.items()
    }
    manifest = {
        "academic_year": academic_year,
        "term": term,
        "as_of_date": parameters["as_of_date"].isoformat(),
        "suppressed_mark": SUPPRESSED_MARK,
        "threshold": THRESHOLD,
        "province_cells_suppressed": len(province_suppressed),
        "files": [file_entry(path, Path(out_dir), rows) for path, rows in written],
        "suppressed_cells": suppressed,
        "published_cells": cells,
    }
    (folder / "area_manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    log.info(
        "Area open data for term %s of %s: %s files, suppressed %s",
        term,
        academic_year,
        len(written),
        suppressed,
    )
    return manifest

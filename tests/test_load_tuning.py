"""The intake's fast paths (migration V006, exchange.intake) give exactly the general paths' results."""

from __future__ import annotations

import csv
import datetime as dt
import itertools

import pytest
from exchange import calendar, intake
from exchange.landing import LandingFile

TERM = calendar.get_term(2566, 1)
WINDOW = TERM.step("submission_intake")
ON_TIME = dt.datetime(2023, 6, 20, 10, 0, tzinfo=calendar.BANGKOK)
AGENCIES = {"OBEC", "OPEC", "BMA", "DLA", "ONIE", "OVEC"}

COLUMNS = [
    "school_code",
    "personal_id",
    "prefix",
    "first_name",
    "last_name",
    "gender",
    "birth_date",
    "grade",
    "nationality",
    "enrolment_date",
]
CLEAN_ROW = [
    "1010000001",
    "1103700012345",
    "เด็กชาย",
    "สมชาย",
    "ใจดี",
    "M",
    "2016-03-02",
    "ป.1",
    "ไทย",
    "2023-05-16",
]
CLEANING = {
    "school_code": "clean_code",
    "personal_id": "clean_code",
    "grade": "clean_code",
    "gender": "clean_gender",
}
# Values that each need a different part of the cleaning, and some that need none.
HARD_VALUES = [
    "",
    " ป.1",
    "ป.1 ",
    "ป. 1",
    "ป.1\u00a0",
    "\u200bสมชาย",
    "สม  ชาย",
    "สม\tชาย",
    "ม.๑",
    "๒๕๕๙-๐๓-๐๒",
    "1-1037-00012-34-5",
    "1 1037 00012 34 5",
    "g123456789012",
    "G123456789012",
    "m",
    "male",
    "ชาย",
    "2",
    "หญิง",
    "F",
    "Café",
    "ＡＢ",
    "abc",
    "ABC",
    "A-B",
    "a\x01 b",
    "x\x01",
    "\x01",
    "=1+1",
    "O'Brien",
    "quoted, comma",
    'say "hi"',
    "10/06/2566",
    "2566-06-10",
    "สมชาย\ufeff",
]

YEARS = [
    "0999",
    "1899",
    "1900",
    "1901",
    "2023",
    "2399",
    "2400",
    "2401",
    "2566",
    "2567",
    "2700",
    "2701",
    "9999",
]
MONTHS = ["00", "01", "02", "06", "09", "10", "12", "13", "1a"]
DAYS = ["00", "01", "09", "10", "28", "29", "30", "31", "32", "0x"]
ODD_DATES = [
    "",
    "2023-6-1",
    "2023-06-1",
    "2-23-06-10",
    "2023/06/10",
    "10-06-2566",
    "10.06.2566",
    "1.5.2566",
    "2023-06-10 ",
    " 2023-06-10",
    "2023-06-10T08:30:00",
    "2023-06-10 08:30",
    "10 มิ.ย. 2566",
    "10 มิถุนายน 2566",
    "2023-02-29",
    "2024-02-29",
    "2566-02-29",
    "2567-02-29",
    "29/02/2566",
    "29/02/2567",
    "31/04/2023",
    "2023--06-10",
    "20230-6-10",
    "--------",
    "__/__/____",
    "12/34/5678",
    "٢٠٢٣-٠٦-١٠",
    "2023-06-1٠",
]


def date_corpus() -> list[str]:
    values = list(ODD_DATES)
    for year, month, day in itertools.product(YEARS, MONTHS, DAYS):
        values.append(f"{year}-{month}-{day}")
        values.append(f"{day}/{month}/{year}")
    return values


def test_parse_date_matches_general_path(connection):
    values = date_corpus()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT value, core.parse_date(value), core.parse_date_general(value)
            FROM unnest(%s::text[]) AS value
            """,
            (values,),
        )
        results = cursor.fetchall()
    assert len(results) == len(values)
    differences = [(value, fast, general) for value, fast, general in results if fast != general]
    assert differences == []
    parsed = {value: fast for value, fast, _general in results}
    assert parsed["2566-06-10"] == dt.date(2023, 6, 10)
    assert parsed["10/06/2566"] == dt.date(2023, 6, 10)
    assert parsed["2023-02-28"] == dt.date(2023, 2, 28)
    assert parsed["2399-01-28"] == dt.date(2399, 1, 28)
    assert parsed["2400-01-28"] == dt.date(1857, 1, 28)
    assert parsed["1899-01-01"] is None
    assert parsed["2701-01-01"] is None
    assert parsed["2566-02-29"] is None
    assert parsed["2567-02-29"] == dt.date(2024, 2, 29)


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def load(connection, path) -> intake.Receipt:
    landing = LandingFile("OBEC", "students", str(path), f"OBEC/{path.name}", ON_TIME, path.stat().st_size)
    return intake.load_submission(connection, landing, TERM, WINDOW, AGENCIES)


def expected_value(cursor, column: str, raw: str):
    """Return what the column's cleaning function stores for a raw CSV value (empty is NULL in COPY)."""
    function = CLEANING.get(column, "clean_text")
    cursor.execute(f"SELECT core.{function}(%s)", (raw if raw != "" else None,))
    return cursor.fetchone()[0]


def test_row_fast_path_matches_cleaning_functions(clean_warehouse, tmp_path):
    rows = [CLEAN_ROW]
    for value, column in itertools.product(HARD_VALUES, range(len(COLUMNS))):
        row = list(CLEAN_ROW)
        row[column] = value
        rows.append(row)
    path = tmp_path / "students.csv"
    write_csv(path, rows)
    receipt = load(clean_warehouse, path)
    assert receipt.status == "accepted"
    assert receipt.rows == len(rows)
    with clean_warehouse.cursor() as cursor:
        cursor.execute(
            f"SELECT source_row, {', '.join(COLUMNS)} FROM core.students "
            "WHERE submission_id = %s ORDER BY source_row",
            (receipt.submission_id,),
        )
        stored = cursor.fetchall()
        differences = []
        for (source_row, *values), raw_row in zip(stored, rows, strict=True):
            for column, value, raw in zip(COLUMNS, values, raw_row, strict=True):
                expected = expected_value(cursor, column, raw)
                if value != expected:
                    differences.append((source_row, column, raw, value, expected))
    assert differences == []


def test_clean_row_is_stored_as_sent(clean_warehouse, tmp_path):
    path = tmp_path / "students.csv"
    write_csv(path, [CLEAN_ROW, [*CLEAN_ROW[:2], "", *CLEAN_ROW[3:8], "", ""]])
    receipt = load(clean_warehouse, path)
    with clean_warehouse.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(COLUMNS)} FROM core.students WHERE submission_id = %s ORDER BY source_row",
            (receipt.submission_id,),
        )
        stored = cursor.fetchall()
    assert stored[0] == tuple(CLEAN_ROW)
    assert stored[1] == (*CLEAN_ROW[:2], None, *CLEAN_ROW[3:8], None, None)


def landing_tree(root, agencies):
    folder = root / "2566" / "1"
    for index, agency in enumerate(agencies):
        (folder / agency).mkdir(parents=True)
        rows = []
        for number in range(3 + index):
            row = list(CLEAN_ROW)
            row[1] = f"11037000{index:02d}{number:03d}"
            rows.append(row)
        write_csv(folder / agency / "students.csv", rows)
    return root


@pytest.mark.parametrize("workers", [1, 2])
def test_run_intake_with_workers_loads_every_file(clean_warehouse, warehouse_address, tmp_path, workers):
    agencies = ["OBEC", "OPEC", "BMA"]
    root = landing_tree(tmp_path / "landing", agencies)
    result = intake.run_intake(
        clean_warehouse, str(root), TERM, WINDOW, address=warehouse_address, workers=workers
    )
    assert result["files"] == 3
    assert result["counts"] == {"accepted": 3}
    assert [receipt["agency"] for receipt in result["receipts"]] == ["BMA", "OBEC", "OPEC"]
    assert [receipt["rows"] for receipt in result["receipts"]] == [5, 3, 4]
    with clean_warehouse.cursor() as cursor:
        cursor.execute("SELECT agency, count(*) FROM core.current_students GROUP BY agency ORDER BY agency")
        assert cursor.fetchall() == [("BMA", 5), ("OBEC", 3), ("OPEC", 4)]
        cursor.execute(
            "SELECT last_analyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE schemaname = 'core' AND relname = 'students'"
        )
        assert cursor.fetchone() == (True,)


def test_run_intake_in_parallel_keeps_each_file_atomic(clean_warehouse, warehouse_address, tmp_path):
    root = landing_tree(tmp_path / "landing", ["OBEC", "OPEC"])
    broken = root / "2566" / "1" / "OPEC" / "students.csv"
    broken.write_text(broken.read_text(encoding="utf-8") + '1010000001,"unterminated\n', encoding="utf-8")
    result = intake.run_intake(clean_warehouse, str(root), TERM, WINDOW, address=warehouse_address, workers=2)
    statuses = {receipt["agency"]: receipt["status"] for receipt in result["receipts"]}
    assert statuses == {"OBEC": "accepted", "OPEC": "rejected"}
    with clean_warehouse.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM core.students JOIN intake.submission USING (submission_id) "
            "WHERE agency = 'OPEC'"
        )
        assert cursor.fetchone() == (0,)


def test_workers_without_address_load_one_at_a_time(clean_warehouse, tmp_path):
    root = landing_tree(tmp_path / "landing", ["OBEC", "OPEC"])
    result = intake.run_intake(clean_warehouse, str(root), TERM, WINDOW, workers=2)
    assert result["counts"] == {"accepted": 2}


def test_xlsx_rows_past_a_wrong_dimension_are_loaded(clean_warehouse, tmp_path):
    import re
    import zipfile

    import openpyxl

    template = tmp_path / "template.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(COLUMNS)
    for number in range(4):
        row = list(CLEAN_ROW)
        row[1] = f"110370001{number:04d}"
        workbook.active.append(row)
    workbook.save(template)
    path = tmp_path / "students.xlsx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text, replaced = re.subn(
                    r'<dimension ref="[^"]*"\s*/>', '<dimension ref="A1:J2"/>', data.decode("utf-8")
                )
                assert replaced == 1
                data = text.encode("utf-8")
            target.writestr(item, data)
    receipt = load(clean_warehouse, path)
    assert receipt.status == "accepted"
    assert receipt.rows == 4

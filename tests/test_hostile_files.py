"""Hostile landing files: each is rejected with a clear message, and nothing else is touched."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from exchange import calendar
from exchange.landing import discover

from tests.test_intake import HEADER, ROW_A, load, receipt_row, rows


@pytest.fixture
def accepted(clean_warehouse, tmp_path):
    """An accepted students submission that every hostile file must leave in force."""
    path = tmp_path / "good" / "students.csv"
    path.parent.mkdir()
    path.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    return load(clean_warehouse, path)


def assert_untouched(connection, accepted):
    assert receipt_row(connection, accepted.submission_id)[0] == "accepted"
    assert len(rows(connection, accepted.submission_id)) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM core.students")
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM intake.submission WHERE status = 'accepted'")
        assert cursor.fetchone()[0] == 1


def test_xlsx_zip_bomb(clean_warehouse, accepted, tmp_path):
    path = tmp_path / "students.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (300 << 20))
    receipt = load(clean_warehouse, path)
    assert receipt.status == "rejected"
    assert receipt.reason.startswith("OBEC/students.xlsx: the workbook expands to 314,572,8")
    assert receipt.reason.endswith("it is rejected as a possible decompression bomb")
    assert_untouched(clean_warehouse, accepted)


def test_xlsx_external_entity(clean_warehouse, accepted, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do-not-read", encoding="utf-8")
    good = tmp_path / "template.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(
        ["school_code", "personal_id", "first_name", "last_name", "gender", "birth_date", "grade"]
    )
    workbook.active.append(["1010000001", "1103700012345", "x", "y", "M", "2016-03-02", "ป.1"])
    workbook.save(good)
    path = tmp_path / "students.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode("utf-8")
                doctype = f'<!DOCTYPE x [<!ENTITY secret SYSTEM "file://{secret}">]>'
                text = doctype + text.replace("<t>", "<t>&secret;", 1)
                data = text.encode("utf-8")
            target.writestr(item, data)
    receipt = load(clean_warehouse, path)
    assert receipt.status == "rejected"
    assert receipt.reason.startswith("OBEC/students.xlsx: the workbook cannot be read")
    assert "do-not-read" not in receipt.reason
    assert_untouched(clean_warehouse, accepted)


def test_gigabyte_line_is_rejected_without_reading_it_whole(clean_warehouse, accepted, tmp_path):
    path = tmp_path / "students.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(f"{HEADER}\n{ROW_A}\n")
        handle.write("1010000001," + "9" * (3 << 20) + "\n")
    receipt = load(clean_warehouse, path)
    assert receipt.status == "rejected"
    assert receipt.reason == "OBEC/students.csv: row 3 is longer than 1 MB; it is not a valid CSV row"
    assert_untouched(clean_warehouse, accepted)


def test_million_column_header(clean_warehouse, accepted, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(
        ",".join(f"c{number}" for number in range(1_000_000)) + "\n" + ROW_A + "\n", encoding="utf-8"
    )
    receipt = load(clean_warehouse, path)
    assert receipt.status == "rejected"
    assert receipt.reason == "OBEC/students.csv: row 1 is longer than 1 MB; it is not a valid CSV row"
    assert_untouched(clean_warehouse, accepted)


def test_million_column_data_row(clean_warehouse, accepted, tmp_path):
    path = tmp_path / "students.csv"
    path.write_text(f"{HEADER}\n{ROW_A}\n" + ROW_A + ",x" * 400_000 + "\n", encoding="utf-8")
    receipt = load(clean_warehouse, path)
    assert receipt.status == "rejected"
    assert receipt.reason == "OBEC/students.csv row 3: extra data after last expected column"
    assert_untouched(clean_warehouse, accepted)


def test_sql_fragments_are_stored_as_text(clean_warehouse, tmp_path):
    fragments = ["'; DROP TABLE core.students; --", "1); DELETE FROM intake.submission; --", "$$ OR 1=1 $$"]
    path = tmp_path / "students.csv"
    lines = [HEADER]
    for fragment in fragments:
        quoted = '"' + fragment.replace('"', '""') + '"'
        lines.append(
            f"1010000001,{quoted},{quoted},{quoted},{quoted},{quoted},{quoted},{quoted},{quoted},{quoted}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    receipt = load(clean_warehouse, path)
    assert receipt.status == "accepted"
    with clean_warehouse.cursor() as cursor:
        cursor.execute("SELECT first_name, nationality FROM core.students ORDER BY source_row")
        assert cursor.fetchall() == [(fragment, fragment) for fragment in fragments]
        cursor.execute("SELECT count(*) FROM intake.submission")
        assert cursor.fetchone()[0] == 1


def test_landing_ignores_links_and_odd_names(tmp_path):
    term_folder = tmp_path / "2566" / "1"
    (term_folder / "OBEC").mkdir(parents=True)
    (term_folder / "OBEC" / "students.csv").write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    outside = tmp_path / "outside.csv"
    outside.write_text("secret", encoding="utf-8")
    (term_folder / "OBEC" / "teachers.csv").symlink_to(outside)
    (term_folder / "OBEC" / "..students.csv").write_text("x", encoding="utf-8")
    (term_folder / "BAD AGENCY").mkdir()
    files, ignored = discover(str(tmp_path), 2566, 1)
    assert [file.name for file in files] == ["OBEC/students.csv"]
    assert sorted(ignored) == ["BAD AGENCY", "OBEC/..students.csv", "OBEC/teachers.csv"]
    assert files[0].modified.tzinfo is not None
    assert files[0].modified <= dt.datetime.now(calendar.BANGKOK)

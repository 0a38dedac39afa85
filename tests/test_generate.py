"""Tests for the term generator: layout, formats, injected faults, duplicates and counts."""

from __future__ import annotations

import csv
import datetime as dt
import filecmp
import json
import os
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest
from exchange.contracts import DATASETS, load_contract
from exchange.generate import generate_term, main
from exchange.ids import is_g_code, is_valid_thai_id
from exchange.school_levels import load_grades
from exchange.settings import REFERENCE_DIR

# Bangkok (BMA, OPEC, OBEC) and Pathum Thani (DLA) in region 1, Lamphun in region 15: every file
# format, and duplicates at all three levels, in a run of a few seconds.
PROVINCES = ["10", "13", "51"]
SEED = 7
SMALL_SCHOOLS = 12
AGE_REFERENCE = dt.date(2023, 5, 16)
BANGKOK_TIME = dt.timezone(dt.timedelta(hours=7))


def _generate(out: Path, formats: str = "mixed") -> dict:
    return generate_term(
        out, seed=SEED, provinces=PROVINCES, formats=formats, students_per_school=SMALL_SCHOOLS
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    truth = _generate(out)
    term_dir = out / "2566" / "1"
    return term_dir, truth, _read_all(term_dir, truth)


def _parse_date(text: str, style: str) -> dt.date | None:
    if text == "":
        return None
    if style == "iso":
        return dt.date.fromisoformat(text)
    if style == "be_slash":
        day, month, year = text.split("/")
        return dt.date(int(year) - 543, int(month), int(day))
    year, month, day = text.split("-")
    return dt.date(int(year) - 543, int(month), int(day))


def _read_file(path: Path, entry: dict) -> list[dict]:
    """Read a generated file into dicts keyed by canonical column; dates become date objects."""
    contract = load_contract(entry["dataset"])
    types = {column.name: column.type for column in contract.columns}
    if entry["format"] == "xlsx":
        sheet = openpyxl.load_workbook(path, read_only=True).active
        raw = [list(row) for row in sheet.iter_rows(min_row=entry["header_row"], values_only=True)]
    else:
        with path.open(encoding=entry["encoding"], newline="") as handle:
            raw = list(csv.reader(handle))
    header = [contract.match_header(str(cell)) for cell in raw[0]]
    rows = []
    for values in raw[1:]:
        # A read-only openpyxl sheet without a stored dimension drops trailing empty cells.
        values = list(values) + [None] * (len(header) - len(values))
        row = {}
        for name, value in zip(header, values, strict=True):
            if types[name] == "date":
                if isinstance(value, dt.datetime):
                    value = value.date()
                elif value in (None, ""):
                    value = None
                else:
                    value = _parse_date(value, entry["date_style"])
            elif isinstance(value, int) and types[name] == "personal_id":
                value = f"{value:013d}"
            else:
                value = "" if value is None else str(value)
            row[name] = value
        rows.append(row)
    return rows


def _read_all(term_dir: Path, truth: dict) -> dict[str, list[dict]]:
    return {name: _read_file(term_dir / name, entry) for name, entry in truth["files"].items()}


def _rows_of(files: dict, truth: dict, dataset: str):
    """Yield (file, sheet row, row) for every data row of a dataset."""
    for name, rows in files.items():
        entry = truth["files"][name]
        if entry["dataset"] == dataset:
            for index, row in enumerate(rows):
                yield name, entry["header_row"] + 1 + index, row


def _age_on(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _issue_index(truth: dict) -> dict[tuple[str, int], dict]:
    return {(issue["file"], issue["row"]): issue for issue in truth["issues"]}


# Layout and formats ---------------------------------------------------------------------------


def test_same_seed_gives_identical_files(run, tmp_path):
    term_dir, _, _ = run
    _generate(tmp_path)
    other = tmp_path / "2566" / "1"
    names = sorted(str(path.relative_to(term_dir)) for path in term_dir.rglob("*") if path.is_file())
    assert names == sorted(str(path.relative_to(other)) for path in other.rglob("*") if path.is_file())
    for name in names:
        assert filecmp.cmp(term_dir / name, other / name, shallow=False), name
        if name != "ground_truth.json":
            assert os.stat(term_dir / name).st_mtime == os.stat(other / name).st_mtime, name


def test_every_agency_has_eight_datasets(run):
    term_dir, truth, _ = run
    agencies = sorted(path.name for path in term_dir.iterdir() if path.is_dir())
    assert agencies == ["BMA", "DLA", "OBEC", "ONIE", "OPEC", "OVEC"]
    for agency in agencies:
        stems = sorted(path.stem for path in (term_dir / agency).iterdir())
        assert stems == sorted(DATASETS), agency


def test_headers_match_contracts(run):
    _, truth, files = run
    for name, rows in files.items():
        contract = load_contract(truth["files"][name]["dataset"])
        assert rows, name
        assert list(rows[0]) == contract.column_names, name


def test_row_counts_match_truth(run):
    _, truth, files = run
    for name, rows in files.items():
        assert len(rows) == truth["files"][name]["rows"], name


def test_every_school_in_agency_schools_file(run):
    _, truth, files = run
    for name, rows in files.items():
        agency = truth["files"][name]["agency"]
        schools_file = next(
            n for n, e in truth["files"].items() if e["agency"] == agency and e["dataset"] == "schools"
        )
        listed = {row["school_code"] for row in files[schools_file]}
        faulty = {
            (issue["file"], issue["row"]) for issue in truth["issues"] if issue["fault"] == "unknown_school"
        }
        header_row = truth["files"][name]["header_row"]
        for index, row in enumerate(rows):
            if (name, header_row + 1 + index) not in faulty:
                assert row["school_code"] in listed, (name, index)


def test_school_codes_carry_agency_and_province(run):
    _, truth, files = run
    affiliation = {"OBEC": "10", "OPEC": "11", "ONIE": "12", "OVEC": "13", "DLA": "30", "BMA": "31"}
    for name, _, row in _rows_of(files, truth, "schools"):
        agency = truth["files"][name]["agency"]
        assert row["school_code"][:2] == affiliation[agency]
        assert row["affiliation_code"] == affiliation[agency]
        assert row["school_code"][2:4] == row["province_code"]
        assert row["province_code"] in PROVINCES


def test_xlsx_has_title_and_numeric_ids(run):
    term_dir, truth, _ = run
    entry = truth["files"]["DLA/students.xlsx"]
    assert entry["header_row"] == 3
    sheet = openpyxl.load_workbook(term_dir / "DLA/students.xlsx", read_only=True).active
    rows = list(sheet.iter_rows(min_row=1, max_row=6, values_only=True))
    assert rows[0][0].startswith("ข้อมูลนักเรียน")
    assert all(value is None for value in rows[1])
    assert rows[2][:2] == ("รหัสสถานศึกษา", "เลขประจำตัวประชาชน")
    numeric = [row[1] for row in rows[3:] if isinstance(row[1], int)]
    assert numeric
    assert all(isinstance(row[0], str) for row in rows[3:])
    assert all(len(row[0]) == 10 for row in rows[3:])


def test_bma_file_is_cp874(run):
    term_dir, truth, _ = run
    assert truth["files"]["BMA/students.csv"]["encoding"] == "cp874"
    data = (term_dir / "BMA/students.csv").read_bytes()
    assert "รหัสสถานศึกษา".encode("cp874") in data[:200]
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_opec_file_has_bom_and_be_dates(run):
    term_dir, _, _ = run
    data = (term_dir / "OPEC/students.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    first_row = data.decode("utf-8-sig").splitlines()[1].split(",")
    day, month, year = first_row[6].split("/")
    assert 2540 < int(year) < 2566
    assert 1 <= int(month) <= 12


def test_plain_formats_are_utf8_english(tmp_path):
    truth = generate_term(tmp_path, seed=3, provinces=["13"], formats="plain", students_per_school=5)
    assert {entry["format"] for entry in truth["files"].values()} == {"csv"}
    header = (tmp_path / "2566/1/DLA/students.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == load_contract("students").column_names


def test_file_times_inside_window_except_late_agency(run):
    term_dir, truth, _ = run
    window_start = dt.datetime(2023, 6, 11, tzinfo=BANGKOK_TIME)
    window_end = dt.datetime(2023, 6, 26, tzinfo=BANGKOK_TIME)
    for name, entry in truth["files"].items():
        modified = dt.datetime.fromtimestamp(os.stat(term_dir / name).st_mtime, BANGKOK_TIME)
        if entry["agency"] == truth["late_agency"]:
            assert modified.date() == dt.date(2023, 6, 27), name
        else:
            assert window_start <= modified < window_end, name


# Faults -----------------------------------------------------------------------------------------


def test_recorded_faults_are_in_files(run):
    _, truth, files = run
    grades = {grade.grade: grade for grade in load_grades(REFERENCE_DIR / "grades.csv")}
    school_codes = {row["school_code"] for _, _, row in _rows_of(files, truth, "schools")}
    assert {issue["fault"] for issue in truth["issues"]} == {
        "bad_check_digit",
        "missing_required",
        "grade_age_mismatch",
        "unknown_school",
        "id_typo",
    }
    for issue in truth["issues"]:
        entry = truth["files"][issue["file"]]
        row = files[issue["file"]][issue["row"] - entry["header_row"] - 1]
        fault = issue["fault"]
        if fault in ("bad_check_digit", "id_typo"):
            assert len(row["personal_id"]) == 13, issue
            assert row["personal_id"].isdigit(), issue
            assert not is_valid_thai_id(row["personal_id"]), issue
        elif fault == "missing_required":
            assert row[issue["column"]] in ("", None), issue
        elif fault == "grade_age_mismatch":
            grade = grades[row["grade"]]
            assert not grade.min_age <= _age_on(row["birth_date"], AGE_REFERENCE) <= grade.max_age, issue
        else:
            assert len(row["school_code"]) == 10, issue
            assert row["school_code"].isdigit(), issue
            assert row["school_code"] not in school_codes, issue


def test_fault_rules_and_severities(run):
    _, truth, _ = run
    expected = {
        ("students", "bad_check_digit", "personal_id"): ("STU-011", "error"),
        ("students", "id_typo", "personal_id"): ("STU-011", "error"),
        ("students", "missing_required", "first_name"): ("STU-003", "error"),
        ("students", "missing_required", "last_name"): ("STU-004", "error"),
        ("students", "missing_required", "birth_date"): ("STU-006", "error"),
        ("students", "grade_age_mismatch", "grade"): ("STU-013", "query"),
        ("students", "unknown_school", "school_code"): ("STU-012", "error"),
        ("teachers", "bad_check_digit", "personal_id"): ("TCH-011", "error"),
    }
    seen = {(i["dataset"], i["fault"], i["column"]): (i["rule_id"], i["severity"]) for i in truth["issues"]}
    assert seen == expected


def test_unrecorded_rows_are_clean(run):
    _, truth, files = run
    grades = {grade.grade: grade for grade in load_grades(REFERENCE_DIR / "grades.csv")}
    issues = _issue_index(truth)
    school_codes = {row["school_code"] for _, _, row in _rows_of(files, truth, "schools")}
    for dataset in ("students", "teachers", "other_personnel", "graduates"):
        required = [column.name for column in load_contract(dataset).columns if column.required]
        for name, row_number, row in _rows_of(files, truth, dataset):
            if (name, row_number) in issues:
                continue
            personal_id = row["personal_id"]
            assert is_valid_thai_id(personal_id) or is_g_code(personal_id), (name, row_number)
            assert all(row[column] not in ("", None) for column in required), (name, row_number)
            assert row["school_code"] in school_codes, (name, row_number)
            if dataset == "students":
                grade = grades[row["grade"]]
                assert grade.min_age <= _age_on(row["birth_date"], AGE_REFERENCE) <= grade.max_age, (
                    name,
                    row_number,
                )


def test_fault_rates_near_targets(run):
    _, truth, _ = run
    students = truth["counts"]["students_rows"]
    faults = Counter(issue["fault"] for issue in truth["issues"] if issue["dataset"] == "students")
    assert 0.0015 < faults["bad_check_digit"] / students < 0.0045
    assert 0.0015 < faults["missing_required"] / students < 0.0045
    assert 0.0015 < faults["grade_age_mismatch"] / students < 0.0045
    assert 0.0003 < faults["unknown_school"] / students < 0.002


def test_most_students_at_expected_age(run):
    _, truth, files = run
    grades = {grade.grade: grade for grade in load_grades(REFERENCE_DIR / "grades.csv")}
    exact = total = 0
    for _, _, row in _rows_of(files, truth, "students"):
        grade = grades[row["grade"]]
        if row["birth_date"] is None or grade.band == "non_formal":
            continue
        total += 1
        exact += _age_on(row["birth_date"], AGE_REFERENCE) == grade.expected_age
    assert exact / total > 0.75


# Identities and duplicates ----------------------------------------------------------------------


def test_personal_ids_unique_except_duplicates(run):
    _, truth, files = run
    duplicated = {group["personal_id"] for group in truth["duplicates"]}
    seen = Counter()
    for dataset in ("students", "teachers", "other_personnel", "graduates"):
        for _, _, row in _rows_of(files, truth, dataset):
            seen[row["personal_id"]] += 1
    repeated = {personal_id for personal_id, count in seen.items() if count > 1}
    assert repeated == duplicated


def test_duplicates_at_recorded_schools(run):
    _, truth, files = run
    rows_by_id = defaultdict(list)
    for name, row_number, row in _rows_of(files, truth, "students"):
        rows_by_id[row["personal_id"]].append((name, row_number, row))
    levels = Counter(group["level"] for group in truth["duplicates"])
    assert set(levels) == {"province", "region", "national"}
    assert any(len(group["schools"]) == 3 for group in truth["duplicates"])
    assert any(len(set(group["agencies"])) > 1 for group in truth["duplicates"])
    assert any(len(set(group["agencies"])) == 1 for group in truth["duplicates"])
    issues = _issue_index(truth)
    for group in truth["duplicates"]:
        found = rows_by_id[group["personal_id"]]
        assert sorted(row["school_code"] for _, _, row in found) == sorted(group["schools"])
        assert len({(row["first_name"], row["last_name"], row["birth_date"]) for _, _, row in found}) == 1
        assert all((name, number) not in issues for name, number, _ in found)
        assert sorted((r["file"], r["row"]) for r in group["records"]) == sorted(
            (n, num) for n, num, _ in found
        )


def test_duplicate_levels_match_places(run):
    _, truth, _ = run
    regions = {}
    with (REFERENCE_DIR / "regional-offices.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            regions[f"{int(row['province_code']):02d}"] = str(int(row["region"]))
    for group in truth["duplicates"]:
        assert [code[2:4] for code in group["schools"]] == group["provinces"]
        assert [regions[code] for code in group["provinces"]] == group["regions"]
        if len(set(group["provinces"])) == 1:
            assert group["level"] == "province"
        elif len(set(group["regions"])) == 1:
            assert group["level"] == "region"
        else:
            assert group["level"] == "national"


def test_near_duplicates_in_files(run):
    _, truth, files = run
    kinds = Counter(pair["kind"] for pair in truth["near_duplicates"])
    assert kinds["g_code"] > 0
    assert kinds["id_typo"] > 0
    for pair in truth["near_duplicates"]:
        rows = []
        for record in pair["records"]:
            entry = truth["files"][record["file"]]
            rows.append(files[record["file"]][record["row"] - entry["header_row"] - 1])
        first, second = rows
        assert first["personal_id"] != second["personal_id"]
        assert first["school_code"] != second["school_code"]
        assert first["birth_date"] == second["birth_date"]
        assert first["gender"] == second["gender"]
        if pair["kind"] == "g_code":
            assert is_g_code(first["personal_id"])
            assert is_g_code(second["personal_id"])
            changed_names = (first["first_name"] != second["first_name"]) + (
                first["last_name"] != second["last_name"]
            )
            assert changed_names == (1 if pair["name_variant"] else 0)
        else:
            differing = [i for i in range(13) if first["personal_id"][i] != second["personal_id"][i]]
            if pair["change"] == "digit_changed":
                assert len(differing) == 1
            else:
                assert len(differing) == 2
                assert differing[1] == differing[0] + 1
            assert is_valid_thai_id(first["personal_id"])
            assert is_valid_thai_id(second["personal_id"]) == pair["check_digit_valid"]


def test_counts_match_files(run):
    _, truth, files = run
    issues = _issue_index(truth)
    rows = list(_rows_of(files, truth, "students"))
    error_rows = {(n, r) for n, r, _ in rows if (n, r) in issues and issues[(n, r)]["severity"] == "error"}
    counted_ids = {row["personal_id"] for n, r, row in rows if (n, r) not in error_rows}
    counted_rows = {(n, r) for n, r, _ in rows} - error_rows
    same_child = sum(
        1
        for pair in truth["near_duplicates"]
        if all((record["file"], record["row"]) in counted_rows for record in pair["records"])
    )
    assert truth["counts"] == {
        "students_rows": len(rows),
        "students_error_rows": len(error_rows),
        "distinct_personal_ids_counted": len(counted_ids),
        "distinct_children": len(counted_ids) - same_child,
    }


def test_ground_truth_written_beside_agencies(run):
    term_dir, truth, _ = run
    stored = json.loads((term_dir / "ground_truth.json").read_text(encoding="utf-8"))
    assert stored["counts"] == truth["counts"]
    assert stored["provinces"] == PROVINCES
    assert stored["late_agency"] in {"OBEC", "OPEC", "ONIE", "OVEC", "DLA", "BMA"}


# Command line -----------------------------------------------------------------------------------


def test_main_writes_term_two(tmp_path):
    assert (
        main(
            ["--out", str(tmp_path), "--seed", "5", "--term", "2", "--provinces", "51", "--formats", "plain"]
        )
        == 0
    )
    truth = json.loads((tmp_path / "2566/2/ground_truth.json").read_text(encoding="utf-8"))
    assert truth["term"] == 2
    assert truth["provinces"] == ["51"]
    modified = dt.datetime.fromtimestamp(
        os.stat(tmp_path / "2566/2/OBEC/students.csv").st_mtime, BANGKOK_TIME
    )
    assert modified.month == 11 or truth["late_agency"] == "OBEC"


def test_main_rejects_bad_province_list(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path), "--seed", "1", "--provinces", "1,200"])
    assert "2-digit DOPA codes" in capsys.readouterr().err


def test_unknown_province_raises(tmp_path):
    with pytest.raises(ValueError, match="unknown province codes"):
        generate_term(tmp_path, seed=1, provinces=["99"])

"""Open data: no small count published, no suppressed cell recoverable from a line's total."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from exchange.outputs import publish_open_data, refresh_statistics
from exchange.outputs.suppression import TOTAL, CountTable, suppress, suppress_together

from tests.outputs_data import TermData, thai_id

MARK = "[c]"
KEY_COLUMNS = {"province_code": 3, "school_code": 4}  # leading label columns per table kind
PEOPLE_TABLES = ["students_by_province_level", "students_by_province_agency", "students_by_school_gender"]


def read_grid(path: Path) -> tuple[list[str], list[list[str]]]:
    """Return (row keys, count cells per row) of a published table, totals included."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    skip = KEY_COLUMNS[rows[0][0]]
    return [row[0] for row in rows[1:]], [row[skip:] for row in rows[1:]]


def recoverable_cells(grid: list[list[str]]) -> list[tuple[int, int]]:
    """Try to recover each suppressed cell from its row or column: a line (totals included) with
    exactly one suppressed cell gives it back as the total minus the other cells."""
    lines = [[(row, column) for column in range(len(grid[0]))] for row in range(len(grid))]
    lines += [[(row, column) for row in range(len(grid))] for column in range(len(grid[0]))]
    found = []
    for line in lines:
        suppressed = [cell for cell in line if grid[cell[0]][cell[1]] == MARK]
        if len(suppressed) == 1:
            found.append(suppressed[0])
    return found


def small_published_cells(grid: list[list[str]]) -> list[str]:
    return [value for row in grid for value in row if value != MARK and 0 < int(value) < 5]


@pytest.fixture
def published(clean_warehouse, tmp_path):
    data = TermData(clean_warehouse)
    data.school("OBEC", "1010000001", "โรงเรียนบ้านเอ", "10")
    data.school("OBEC", "1010000002", "โรงเรียนบ้านบี", "10")
    data.school("OBEC", "1050000003", "โรงเรียนบ้านซี", "50")
    data.school("OPEC", "1110000004", "โรงเรียนเอกชนดี", "10")
    serials = iter(range(1, 100))
    plan = [
        ("OBEC", "1010000001", "ป.3", "M", 10),
        ("OBEC", "1010000001", "ป.3", "F", 10),
        ("OBEC", "1010000001", "อ.2", "F", 3),
        ("OBEC", "1010000002", "ม.1", "M", 6),
        ("OBEC", "1010000002", "ม.1", "F", 6),
        ("OPEC", "1110000004", "ป.1", "M", 5),
        ("OPEC", "1110000004", "ป.1", "F", 1),
        ("OBEC", "1050000003", "ป.1", "M", 2),
    ]
    for agency, school, grade, gender, students in plan:
        for _ in range(students):
            data.student(agency, school, thai_id(next(serials)), grade=grade, gender=gender)
    refresh_statistics(clean_warehouse, 2566, 1)
    manifest = publish_open_data(clean_warehouse, 2566, 1, tmp_path)
    return data, manifest, tmp_path / "open_data"


@pytest.mark.parametrize("table", PEOPLE_TABLES)
def test_open_data_publishes_no_small_count(published, table):
    _, _, folder = published
    _, grid = read_grid(folder / f"{table}.csv")
    assert small_published_cells(grid) == []


@pytest.mark.parametrize("table", PEOPLE_TABLES)
def test_open_data_suppressed_cells_not_recoverable(published, table):
    _, manifest, folder = published
    _, grid = read_grid(folder / f"{table}.csv")
    assert any(MARK in row for row in grid)
    assert recoverable_cells(grid) == []
    assert manifest["suppressed_cells"][table]["primary"] > 0


def test_open_data_totals_are_true_totals(published):
    _, _, folder = published
    keys, grid = read_grid(folder / "students_by_province_agency.csv")
    assert keys[-1] == TOTAL
    assert grid[-1][-1] == "43"
    keys, grid = read_grid(folder / "students_by_school_gender.csv")
    assert keys == ["1010000001", "1010000002", "1050000003", "1110000004", TOTAL]
    assert grid[0] == ["10", "13", "23"]
    assert grid[-1] == ["23", "20", "43"]


def test_open_data_school_counts_need_no_suppression(published):
    _, manifest, folder = published
    keys, grid = read_grid(folder / "schools_by_province_size_band.csv")
    assert grid[keys.index("10")] == ["0", "3", "0", "0", "0", "3"]
    assert manifest["suppressed_cells"]["schools_by_province_size_band"] == {"primary": 0, "secondary": 0}


def test_open_data_holds_no_personal_data(published):
    _, _, folder = published
    text = "".join(path.read_text(encoding="utf-8-sig") for path in sorted(folder.iterdir()))
    assert thai_id(1) not in text
    assert "ทดสอบ" not in text  # the students' first name in the fixture


def test_open_data_dictionary_describes_every_column(published):
    _, _, folder = published
    with (folder / "data_dictionary.csv").open(encoding="utf-8-sig", newline="") as handle:
        described = {(row["file"], row["column"]) for row in csv.DictReader(handle)}
    for path in folder.glob("*.csv"):
        if path.name == "data_dictionary.csv":
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle))
        assert {(path.name, column) for column in header} <= described
    assert "[c]" in (folder / "data_dictionary.md").read_text(encoding="utf-8")


def test_open_data_cells_stored_in_mart(published):
    data, manifest, _ = published
    with data.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), count(*) FILTER (WHERE value IS NULL),
                   count(*) FILTER (WHERE suppression IS NOT NULL)
            FROM mart.published_cell WHERE academic_year = 2566 AND term = 1
            """
        )
        cells, hidden, suppressed = cursor.fetchone()
    assert cells == manifest["published_cells"]
    assert hidden == suppressed
    assert suppressed == sum(
        kinds["primary"] + kinds["secondary"] for kinds in manifest["suppressed_cells"].values()
    )


def test_open_data_needs_statistics(clean_warehouse, tmp_path):
    with pytest.raises(RuntimeError, match="run refresh_statistics"):
        publish_open_data(clean_warehouse, 2566, 1, tmp_path)


def test_suppression_picks_smallest_complement():
    table = CountTable(
        "example",
        ["a", "b", "c"],
        ["x", "y", "z"],
        {
            ("a", "x"): 3,
            ("a", "y"): 40,
            ("a", "z"): 9,
            ("b", "x"): 20,
            ("b", "y"): 50,
            ("b", "z"): 60,
            ("c", "x"): 7,
            ("c", "y"): 30,
            ("c", "z"): 80,
        },
    )
    result = suppress(table)
    assert result.suppression == {
        ("a", "x"): "primary",
        ("a", "z"): "secondary",  # 9 is the smallest other cell of row a
        ("c", "x"): "secondary",  # 7 is the smallest other cell of column x
        ("c", "z"): "secondary",  # protects column z and row c at once, so it beats the smaller 60
    }
    assert result.published(TOTAL, TOTAL) == 299
    grid = [
        [
            "[c]" if result.published(row, column) is None else str(result.published(row, column))
            for column in ["x", "y", "z", TOTAL]
        ]
        for row in ["a", "b", "c", TOTAL]
    ]
    assert recoverable_cells(grid) == []


def test_suppression_spreads_shared_totals():
    by_level = CountTable(
        "by_level",
        ["10", "50"],
        ["primary", "secondary"],
        {("10", "primary"): 30, ("10", "secondary"): 20, ("50", "primary"): 3},
        links={("50", TOTAL): ("province", "50"), ("10", TOTAL): ("province", "10")},
    )
    by_agency = CountTable(
        "by_agency",
        ["10", "50"],
        ["OBEC", "OPEC"],
        {("10", "OBEC"): 25, ("10", "OPEC"): 25, ("50", "OBEC"): 2, ("50", "OPEC"): 1},
        links={("50", TOTAL): ("province", "50"), ("10", TOTAL): ("province", "10")},
    )
    level_result, agency_result = suppress_together([by_level, by_agency])
    assert level_result.published("50", TOTAL) is None
    assert agency_result.published("50", TOTAL) is None
    for result in (level_result, agency_result):
        grid = [
            [
                "[c]" if result.published(row, column) is None else str(result.published(row, column))
                for column in [*result.table.column_keys, TOTAL]
            ]
            for row in ["10", "50", TOTAL]
        ]
        assert recoverable_cells(grid) == []

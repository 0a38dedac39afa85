"""Who sees what: every office's work package and office report holds only its own area's cases,
every agency's correction package only its own records, and the audit trail records who
submitted, answered and exported what, and when.

A term of Bangkok and Pathum Thani (both region 1) and Lamphun (region 15) has duplicates inside a
province, across provinces of a region and across regions, so every kind of office gets cases.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import psycopg2
import pytest
from exchange.duplicates.common import office_from_file_stem, office_type
from exchange.duplicates.labels import YES_TH
from exchange.duplicates.packages import COLUMNS
from exchange.duplicates.spreadsheet import read_rows

from tests.reliability_support import ALL_STEPS, Pipeline, generated_term, scratch_warehouse

pytestmark = pytest.mark.slow

PROVINCES = ("10", "13", "51")
KEYS = [key for key, _header, _width in COLUMNS]


@pytest.fixture(scope="module")
def term_run(tmp_path_factory):
    landing = generated_term(provinces=PROVINCES)
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, landing, tmp_path_factory.mktemp("access") / "output")
        pipeline.run(*ALL_STEPS)
        connection = psycopg2.connect(address.dsn())
        try:
            yield pipeline, connection
        finally:
            connection.close()


def query(connection, statement: str, parameters: tuple = ()) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, parameters)
        rows = cursor.fetchall()
    connection.rollback()
    return rows


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))[1:]


def in_area(office_id: str, school: tuple) -> bool:
    """Return whether a case's school (province_code, region, agency) lies in the office's area."""
    province_code, region, agency = school
    kind = office_type(office_id)
    code = office_id.split(":", 1)[-1]
    return {
        "provincial_office": province_code == code,
        "regional_office": str(region) == code,
        "agency": agency == code,
        "ict_centre": True,
    }[kind]


def test_work_package_holds_only_office_cases(term_run):
    pipeline, connection = term_run
    schools: dict[int, dict[str, tuple]] = defaultdict(dict)
    for case_id, school_code, province_code, region, agency in query(
        connection, "SELECT case_id, school_code, province_code, region, agency FROM dedup.case_school"
    ):
        schools[case_id][school_code] = (province_code, region, agency)
    routed = defaultdict(set)
    for case_id, office_id in query(connection, "SELECT case_id, office_id FROM dedup.case_route"):
        routed[office_id].add(case_id)

    packages = sorted((pipeline.term_dir / "work_packages").glob("*.csv"))
    offices = {office_from_file_stem(path.stem): path for path in packages}
    assert set(offices) == set(routed)
    assert {office_type(office) for office in offices} == {
        "provincial_office",
        "regional_office",
        "agency",
        "ict_centre",
    }
    for office_id, path in offices.items():
        rows = read_csv(path)
        cases = {int(row[KEYS.index("case_id")]) for row in rows}
        assert cases == routed[office_id], office_id
        for case_id in cases:
            assert any(in_area(office_id, school) for school in schools[case_id].values()), (
                office_id,
                case_id,
            )
        # A package shows every school of its cases, and asks only about those in the office's area.
        for row in rows:
            school = schools[int(row[KEYS.index("case_id")])][row[KEYS.index("school_code")]]
            assert (row[KEYS.index("to_answer")] == YES_TH) == in_area(office_id, school), (
                office_id,
                row[:6],
            )
        workbook_rows = [cells for number, cells in read_rows(path.with_suffix(".xlsx")) if number > 1]
        assert {int(cells[KEYS.index("case_id")]) for cells in workbook_rows} == cases, office_id


def test_correction_package_holds_only_agency_issues(term_run):
    pipeline, connection = term_run
    folder = pipeline.term_dir / "corrections"
    agencies = [
        agency
        for (agency,) in query(
            connection, "SELECT DISTINCT agency FROM intake.submission WHERE status = 'accepted' ORDER BY 1"
        )
    ]
    assert sorted(path.stem for path in folder.glob("*.csv")) == agencies
    for agency in agencies:
        expected = Counter(
            query(
                connection,
                "SELECT dataset, file_name, source_row::text, column_name, rule_id FROM quality.open_issue "
                "WHERE agency = %s",
                (agency,),
            )
        )
        found = Counter(
            (row[0], row[1], row[2], row[4], row[6]) for row in read_csv(folder / f"{agency}.csv")
        )
        assert found == expected, agency
        workbook = [cells for _number, cells in read_rows(folder / f"{agency}.xlsx")]
        assert workbook, agency
    assert sum(len(read_csv(folder / f"{agency}.csv")) for agency in agencies) > 0


def test_office_report_holds_only_its_offices(term_run):
    pipeline, connection = term_run
    region_of = dict(query(connection, "SELECT province_code, region FROM reference.province"))
    for path in sorted((pipeline.term_dir / "office_reports").glob("*.csv")):
        office_id = office_from_file_stem(path.stem)
        listed = [row[0] for row in read_csv(path)]
        kind = office_type(office_id)
        if kind == "provincial_office":
            assert listed == [office_id]
        elif kind == "regional_office":
            region = office_id.split(":")[1]
            others = [item for item in listed if item != office_id]
            assert office_id in listed
            assert all(str(region_of[item.split(":")[1]]) == region for item in others), office_id
            assert all(office_type(item) == "provincial_office" for item in others), office_id
        else:
            assert kind == "ict_centre"


def test_audit_records_who_did_what(term_run):
    pipeline, connection = term_run
    events = query(connection, "SELECT actor, action, subject, detail, occurred_at FROM audit.event")
    assert all(occurred_at is not None for *_, occurred_at in events)
    by_action = defaultdict(list)
    for actor, action, subject, detail, _ in events:
        by_action[action].append((actor, subject, detail))

    accepted = query(
        connection,
        "SELECT agency, 'submission/' || submission_id FROM intake.submission WHERE status = 'accepted'",
    )
    assert sorted((actor, subject) for actor, subject, _ in by_action["submission_accepted"]) == sorted(
        accepted
    )

    answer_files = sorted(path.name for path in pipeline.answers_dir.glob("*.csv"))
    imported = sorted((actor, detail["file"]) for actor, _, detail in by_action["duplicate_answers_imported"])
    assert imported == [(office_from_file_stem(Path(name).stem), name) for name in answer_files]

    agencies = sorted(agency for agency, _ in accepted if agency)
    packaged = sorted(
        subject for actor, subject, _ in by_action["correction_package_written"] if actor == "ict_centre"
    )
    assert packaged == sorted({f"agency/{agency}" for agency in agencies})
    for action in (
        "work_packages_written",
        "office_reports_written",
        "budget_export",
        "office_ranking_computed",
        "open_data_published",
    ):
        assert [actor for actor, _, _ in by_action[action]] == ["ict_centre"], action
    cells = query(connection, "SELECT count(*) FROM mart.published_cell")[0][0]
    assert by_action["open_data_published"][0][2]["rows"] == cells


def test_release_audit_counts_one_event_per_transaction(clean_warehouse):
    insert = (
        "INSERT INTO mart.published_cell (academic_year, term, table_name, row_key, column_key, value) "
        "VALUES (2566, 1, 'students_by_province_level', %s, 'primary', 10)"
    )
    with clean_warehouse.cursor() as cursor:
        cursor.execute(insert, ("10",))
        cursor.execute(insert, ("11",))
    clean_warehouse.commit()
    with clean_warehouse.cursor() as cursor:
        cursor.execute(insert, ("12",))
    clean_warehouse.commit()
    with clean_warehouse.cursor() as cursor:
        cursor.execute(
            "SELECT actor, subject, detail->>'rows' FROM audit.event "
            "WHERE action = 'open_data_published' ORDER BY event_id"
        )
        assert cursor.fetchall() == [("ict_centre", "2566/1", "2"), ("ict_centre", "2566/1", "1")]

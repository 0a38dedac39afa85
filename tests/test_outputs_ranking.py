"""The ranking of provincial and regional offices and its tie-break."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from exchange.outputs import rank_offices

from tests.outputs_data import BANGKOK, TermData

# The term-1 verification window is 1-30 August 2023, so it closes at 00:00 on 31 August.
ON_TIME = dt.datetime(2023, 8, 20, 10, 0, tzinfo=BANGKOK)
LATE = dt.datetime(2023, 8, 31, 0, 0, tzinfo=BANGKOK)


def _case(data: TermData, key: str, schools: list[str], status: str = "open", level: str = "province") -> int:
    records = [(1, index + 2, school, "OBEC") for index, school in enumerate(schools)]
    confirmed = schools[0] if status in ("resolved", "decided") else None
    return data.duplicate_case(
        "exact", key, records, status=status, confirmed_school_code=confirmed, level=level
    )


def _provincial(
    data: TermData, province: str, number: int, status: str, answered_at: dt.datetime | None
) -> None:
    """Add a case between two schools of one province, routed to that province's office."""
    schools = [f"10{province}{number:06d}", f"10{province}{number + 500:06d}"]
    case_id = _case(data, f"{province}-{number}", schools, status)
    data.route(case_id, f"provincial_office:{province}")
    if answered_at is not None:
        for school in schools:
            data.answer(case_id, school, f"provincial_office:{province}", answered_at)


@pytest.fixture
def ranked(clean_warehouse, tmp_path):
    data = TermData(clean_warehouse)
    # 10: everything settled and answered on time.
    _provincial(data, "10", 1, "resolved", ON_TIME)
    _provincial(data, "10", 2, "decided", ON_TIME)
    # 50: everything settled, but one case answered at the moment the window closed.
    _provincial(data, "50", 1, "resolved", ON_TIME)
    _provincial(data, "50", 2, "resolved", LATE)
    # 11 and 12: nothing settled, all on time; 12 received more cases, so ranks higher.
    _provincial(data, "11", 1, "answered", ON_TIME)
    _provincial(data, "12", 1, "answered", ON_TIME)
    _provincial(data, "12", 2, "answered", ON_TIME)
    # 13 and 14: one unanswered case each, a full tie broken by the lower province code.
    _provincial(data, "14", 1, "open", None)
    _provincial(data, "13", 1, "open", None)
    # 20: its only case was closed, so it received none and gets no rank.
    _provincial(data, "20", 1, "open", ON_TIME)
    with clean_warehouse.cursor() as cursor:
        cursor.execute("UPDATE dedup.duplicate_case SET status = 'closed' WHERE match_key = '20-1'")
    clean_warehouse.commit()
    # A case across regions 1 and 15: region 1 answered for its Bangkok school on time, region 15
    # never answered for its Chiang Mai school, and an agency's answer does not count for it.
    case_id = _case(data, "national-1", ["1010000999", "1050000999"], level="national")
    data.route(case_id, "regional_office:1")
    data.route(case_id, "regional_office:15")
    data.answer(case_id, "1010000999", "regional_office:1", ON_TIME)
    data.answer(case_id, "1050000999", "agency:OBEC", ON_TIME)
    result = rank_offices(clean_warehouse, 2566, 1, tmp_path)
    return data, result


def _ranking(connection, office_type: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT office_id, rank, cases_received, cases_resolved, cases_answered_on_time,
                   resolved_share::text, on_time_share::text
            FROM mart.office_ranking
            WHERE academic_year = 2566 AND term = 1 AND office_type = %s AND cases_received > 0
            ORDER BY rank
            """,
            (office_type,),
        )
        return cursor.fetchall()


def test_ranking_orders_provincial_offices(ranked):
    data, _ = ranked
    assert _ranking(data.connection, "provincial_office") == [
        ("provincial_office:10", 1, 2, 2, 2, "1.0000", "1.0000"),
        ("provincial_office:50", 2, 2, 2, 1, "1.0000", "0.5000"),
        ("provincial_office:12", 3, 2, 0, 2, "0.0000", "1.0000"),
        ("provincial_office:11", 4, 1, 0, 1, "0.0000", "1.0000"),
        ("provincial_office:13", 5, 1, 0, 0, "0.0000", "0.0000"),
        ("provincial_office:14", 6, 1, 0, 0, "0.0000", "0.0000"),
    ]


def test_ranking_counts_only_schools_in_office_area(ranked):
    data, _ = ranked
    assert _ranking(data.connection, "regional_office") == [
        ("regional_office:1", 1, 1, 0, 1, "0.0000", "1.0000"),
        ("regional_office:15", 2, 1, 0, 0, "0.0000", "0.0000"),
    ]


def test_ranking_leaves_offices_without_cases_unranked(ranked):
    data, result = ranked
    with data.connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*), count(rank),
                   count(*) FILTER (WHERE office_id = 'provincial_office:20' AND rank IS NULL)
            FROM mart.office_ranking WHERE academic_year = 2566 AND term = 1
            """
        )
        assert cursor.fetchone() == (77 + 18, 8, 1)
    assert result["offices_ranked"] == 8
    assert result["first"] == {
        "provincial_office": "provincial_office:10",
        "regional_office": "regional_office:1",
    }
    assert result["verification_closes_at"] == "2023-08-31T00:00:00+07:00"


def test_ranking_files_are_thai_and_in_rank_order(ranked, tmp_path):
    _, result = ranked
    csv_path = tmp_path / "ranking" / "office_ranking_2566_1.csv"
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 95
    assert [row["รหัสสำนักงาน"] for row in rows[:6]] == [
        "provincial_office:10",
        "provincial_office:50",
        "provincial_office:12",
        "provincial_office:11",
        "provincial_office:13",
        "provincial_office:14",
    ]
    assert rows[0]["ชื่อสำนักงาน"] == "สำนักงานศึกษาธิการจังหวัดกรุงเทพมหานคร"
    assert rows[1]["ร้อยละที่ตอบทันกำหนด"] == "50.00"
    assert rows[6]["อันดับ"] == ""
    sheet = openpyxl.load_workbook(tmp_path / "ranking" / "office_ranking_2566_1.xlsx").active
    assert sheet.max_row == 96
    assert sheet["C2"].value == "provincial_office:10"
    assert [entry["file"] for entry in result["files"]] == [
        "ranking/office_ranking_2566_1.csv",
        "ranking/office_ranking_2566_1.xlsx",
    ]

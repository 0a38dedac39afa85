"""Compares what the warehouse holds for a term with the generator's ground truth.

Every difference is reported by file, row, rule, case id or school code, never by a personal ID,
because the output goes to a console and CI logs.
"""

from __future__ import annotations

import json
from pathlib import Path

from exchange.warehouse import read_sql

MAX_EXAMPLES = 10


def _fetch(connection, sql_file: str, parameters: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(read_sql(sql_file), parameters)
        return cursor.fetchall()


def _table_exists(connection, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (name,))
        return cursor.fetchone()[0]


def _set_differences(label: str, expected: set, found: set) -> list[str]:
    lines = []
    missing, unexpected = sorted(expected - found), sorted(found - expected)
    if missing:
        lines.append(f"{label}: {len(missing)} expected but not found, e.g. {missing[:MAX_EXAMPLES]}")
    if unexpected:
        lines.append(f"{label}: {len(unexpected)} found but not expected, e.g. {unexpected[:MAX_EXAMPLES]}")
    return lines


def compare_files(connection, truth: dict) -> list[str]:
    parameters = {"academic_year": truth["academic_year"], "term": truth["term"]}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT file_name, rows, on_time FROM intake.submission "
            "WHERE academic_year = %(academic_year)s AND term = %(term)s AND status = 'accepted'",
            parameters,
        )
        accepted = {name: (rows, on_time) for name, rows, on_time in cursor.fetchall()}
    differences = []
    for name, expected in sorted(truth["files"].items()):
        if name not in accepted:
            differences.append(f"file {name}: no accepted submission")
            continue
        rows, on_time = accepted[name]
        if rows != expected["rows"]:
            differences.append(f"file {name}: {rows} rows accepted, {expected['rows']} expected")
        expected_on_time = expected["agency"] != truth.get("late_agency")
        if on_time != expected_on_time:
            differences.append(f"file {name}: on_time is {on_time}, {expected_on_time} expected")
    for name in sorted(set(accepted) - set(truth["files"])):
        differences.append(f"file {name}: accepted but not in the ground truth")
    return differences


def compare_issues(connection, truth: dict) -> list[str]:
    parameters = {"academic_year": truth["academic_year"], "term": truth["term"]}
    found = {
        (row[0], row[1], row[2], row[3], row[4])
        for row in _fetch(connection, "verify/open_issues.sql", parameters)
    }
    expected = {
        (issue["file"], issue["row"], issue["column"], issue["rule_id"], issue["severity"])
        for issue in truth["issues"]
    }
    return _set_differences("issues (file, row, column, rule, severity)", expected, found)


def compare_exact_duplicates(connection, truth: dict) -> list[str]:
    parameters = {"academic_year": truth["academic_year"], "term": truth["term"]}
    cases = _fetch(connection, "verify/exact_cases.sql", parameters)
    found = {match_key: (level, tuple(schools), case_id) for case_id, match_key, level, schools in cases}
    expected = {
        item["personal_id"]: (item["level"], tuple(sorted(item["schools"]))) for item in truth["duplicates"]
    }
    differences = []
    missing = [schools for key, (level, schools) in expected.items() if key not in found]
    if missing:
        differences.append(
            f"exact duplicates: {len(missing)} not found, e.g. at schools {missing[:MAX_EXAMPLES]}"
        )
    unexpected = [case_id for key, (_, _, case_id) in found.items() if key not in expected]
    if unexpected:
        differences.append(
            f"exact duplicates: {len(unexpected)} cases not in the ground truth, "
            f"e.g. case ids {unexpected[:MAX_EXAMPLES]}"
        )
    for key, (level, schools) in expected.items():
        if key in found and found[key][:2] != (level, schools):
            differences.append(
                f"exact duplicate case {found[key][2]}: level {found[key][0]} at {list(found[key][1])}, "
                f"expected level {level} at {list(schools)}"
            )
    return differences


def settled_suspected_merges(connection, truth: dict) -> tuple[int, list[str]]:
    """Return how many fewer children the settled suspected cases leave counted than there are
    distinct counted IDs, and the cases that join records of different children.

    Offices that settle a suspected case say its records are one child at the confirmed school.
    The budget then counts that child once if the record there is free of errors, and not at all
    until an error in it is corrected. A settled case is right only when all its records are one
    injected near-duplicate.
    """
    parameters = {"academic_year": truth["academic_year"], "term": truth["term"]}
    child_of = {}
    for number, near_duplicate in enumerate(truth.get("near_duplicates", [])):
        for record in near_duplicate["records"]:
            child_of[(record["file"], record["row"])] = number
    cases: dict[int, list[tuple]] = {}
    for case_id, file_name, source_row, personal_id, counted, at_confirmed_school in _fetch(
        connection, "verify/settled_suspected_cases.sql", parameters
    ):
        cases.setdefault(case_id, []).append(
            (file_name, source_row, personal_id, counted, at_confirmed_school)
        )
    fewer, wrong = 0, []
    for case_id, records in cases.items():
        children = {child_of.get((file_name, row)) for file_name, row, *_ in records}
        if None in children or len(children) > 1:
            wrong.append(case_id)
            continue
        counted_ids = {personal_id for _, _, personal_id, counted, _ in records if counted}
        confirmed_counted = any(counted and at_confirmed for *_, counted, at_confirmed in records)
        fewer += len(counted_ids) - (1 if confirmed_counted else 0)
    differences = []
    if wrong:
        differences.append(
            f"suspected duplicates: {len(wrong)} settled cases join records of different children, "
            f"e.g. case ids {wrong[:MAX_EXAMPLES]}"
        )
    return fewer, differences


def compare_budget_total(connection, truth: dict) -> list[str]:
    if not _table_exists(connection, "mart.budget_count"):
        return ["budget: mart.budget_count does not exist; the budget export has not run"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT coalesce(sum(students), 0) FROM mart.budget_count WHERE academic_year = %s AND term = %s",
            (truth["academic_year"], truth["term"]),
        )
        total = cursor.fetchone()[0]
    fewer, differences = settled_suspected_merges(connection, truth)
    expected = truth["counts"]["distinct_personal_ids_counted"] - fewer
    if total != expected:
        differences.append(
            f"budget: {total} students counted, {expected} expected "
            f"({truth['counts']['distinct_personal_ids_counted']} distinct IDs, less {fewer} for "
            "settled suspected cases)"
        )
    return differences


def compare_with_ground_truth(connection, ground_truth_path: str | Path) -> list[str]:
    """Return one line per difference between the warehouse and the ground truth; empty when equal."""
    truth = json.loads(Path(ground_truth_path).read_text(encoding="utf-8"))
    differences = compare_files(connection, truth)
    differences += compare_issues(connection, truth)
    differences += compare_exact_duplicates(connection, truth)
    differences += compare_budget_total(connection, truth)
    return differences

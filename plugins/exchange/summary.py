"""`exchange summary`: what the warehouse holds for a term, without personal data."""

from __future__ import annotations

from exchange import settings
from exchange.warehouse import read_sql


def _rows(connection, sql_file: str, parameters: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(read_sql(sql_file), parameters)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _table_exists(connection, qualified_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", (qualified_name,))
        return cursor.fetchone()[0]


def output_files(academic_year: int, term: int) -> list[dict]:
    """List the files the term's DAGs wrote, relative to the output root, without run logs."""
    folder = settings.output_root() / str(academic_year) / str(term)
    if not folder.exists():
        return []
    return [
        {"path": str(path.relative_to(settings.output_root())), "bytes": path.stat().st_size}
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "airflow-runs" not in path.parts and "data_docs" not in path.parts
    ]


def term_summary(connection, academic_year: int, term: int) -> dict:
    parameters = {"academic_year": academic_year, "term": term}
    report: dict = {"academic_year": academic_year, "term": term}
    report["datasets"] = {
        row.pop("dataset"): row for row in _rows(connection, "summary/datasets.sql", parameters)
    }
    if _table_exists(connection, "quality.issue"):
        report["issues_by_rule"] = {
            row["rule_id"]: {"severity": row["severity"], "issues": row["issues"], "rows": row["rows"]}
            for row in _rows(connection, "summary/issues_by_rule.sql", parameters)
        }
    if _table_exists(connection, "dedup.duplicate_case"):
        report["duplicate_cases"] = {
            f"{row['kind']}/{row['level']}": row["cases"]
            for row in _rows(connection, "summary/duplicate_cases.sql", parameters)
        }
    report["output_files"] = output_files(academic_year, term)
    return report


def format_text(report: dict) -> str:
    lines = [f"Academic year {report['academic_year']}, term {report['term']}", "", "Datasets:"]
    for dataset, row in report["datasets"].items():
        lines.append(
            f"  {dataset:<18} files {row['files_received']:>3}  accepted {row['accepted']:>3}  "
            f"rejected {row['rejected']:>3}  late {row['accepted_late']:>3}  rows {row['rows_accepted']:>10,}"
        )
    if "issues_by_rule" in report:
        lines += ["", "Open issues by rule:"]
        for rule_id, row in report["issues_by_rule"].items():
            lines.append(f"  {rule_id:<9} {row['severity']:<6} {row['issues']:>8,}")
    if "duplicate_cases" in report:
        lines += ["", "Duplicate cases:"]
        for key, count in report["duplicate_cases"].items():
            lines.append(f"  {key:<24} {count:>8,}")
    lines += ["", f"Output files: {len(report['output_files'])}"]
    return "\n".join(lines)

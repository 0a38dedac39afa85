"""`exchange bench`: the report's verdict, the markdown section it maintains, and a whole province run."""

from __future__ import annotations

import argparse
import json

import psycopg2
import pytest
from exchange import bench, settings, warehouse
from exchange.bench import report
from exchange.bench.phases import PHASES

GIB = 1 << 30


def phase(seconds: float, peak_bytes: int = 100 << 20, backend_bytes: int = 50 << 20) -> dict:
    return {
        "available": True,
        "ok": True,
        "seconds": seconds,
        "peak_rss_bytes": peak_bytes,
        "backend": {"measured": True, "peak_private_bytes": backend_bytes},
    }


def test_verdict_compares_phases_with_limits():
    phases = {name: phase(10.0) for name in report.TERM_PHASES}
    phases["raw_copy"] = phase(20.0)
    phases["student_checks"] = phase(4.0)
    phases["validation"] = phase(10.0) | {"detail": {"seconds_by_dataset": {"students": 9.0}}}
    phases["suspected_matching"] = phase(61.0, backend_bytes=3 * GIB)
    verdict = report.evaluate({"scale": "national", "phases": phases})
    assert verdict["term_seconds"] == 111.0
    assert verdict["ratio_to_raw_copy"]["intake"] == 0.5
    targets = {
        target["target"].split(" within")[0].split(" above")[0]: target for target in verdict["targets"]
    }
    assert targets["whole term"]["value"] == 5.55
    assert targets["whole term"]["met"] is False
    assert targets["students validation"]["value"] == 2.25
    assert targets["students validation"]["met"] is False
    assert targets["no phase"]["value"] == 3.0
    assert targets["no phase"]["met"] is False
    assert targets["suspected-duplicate matching"]["value"] == 61.0
    assert targets["suspected-duplicate matching"]["met"] is False


def test_verdict_of_incomplete_run_is_not_measured():
    phases = {
        "raw_copy": phase(20.0),
        "intake": phase(30.0),
        "validation": {"available": False, "ok": False, "error": "ImportError: not written yet"},
    }
    verdict = report.evaluate({"scale": "province", "phases": phases})
    assert verdict["term_seconds"] is None
    assert verdict["term_complete"] is False
    assert verdict["targets"][0]["met"] is None
    assert verdict["targets"][0]["note"] == "not every phase ran"


def test_update_doc_replaces_only_its_scale(tmp_path):
    doc = tmp_path / "benchmarks.md"
    doc.write_text("# Benchmarks\n\nHand-written analysis.\n", encoding="utf-8")
    report.update_doc(doc, "province", "first province run\n")
    report.update_doc(doc, "national", "national run\n")
    report.update_doc(doc, "province", "second province run\n")
    text = doc.read_text(encoding="utf-8")
    assert "Hand-written analysis." in text
    assert "first province run" not in text
    assert text.count("second province run") == 1
    assert text.count("national run") == 1
    assert text.index("<!-- bench:province:start -->") < text.index("<!-- bench:national:start -->")


@pytest.mark.slow
def test_province_benchmark_runs_every_phase(tmp_path):
    parser = argparse.ArgumentParser()
    bench.add_arguments(parser)
    report_path = tmp_path / "report.json"
    args = parser.parse_args(
        ["--scale", "province", "--out", str(tmp_path / "run"), "--no-doc", "--report", str(report_path)]
    )
    assert bench.run(args) == 0
    result = json.loads(report_path.read_text(encoding="utf-8"))
    assert list(result["phases"]) == list(PHASES)
    for name, outcome in result["phases"].items():
        assert outcome["available"], f"{name}: {outcome.get('error')}"
        assert outcome["ok"], f"{name} failed; see {outcome['log']}"
        assert outcome["seconds"] > 0
        assert outcome["peak_rss_bytes"] > 0
    assert result["phases"]["intake"]["detail"]["rejected_files"] == []
    assert result["phases"]["intake"]["detail"]["rows"] == result["phases"]["raw_copy"]["detail"]["rows"]
    checks = result["phases"]["student_checks"]["detail"]["issues_by_rule"]
    assert checks == result["phases"]["validation"]["detail"]["students_issues_by_rule"]
    assert result["verdict"]["term_complete"] is True
    assert not (tmp_path / "run" / "landing").exists()
    url = settings.configured_warehouse_url()
    admin = warehouse.parse_url(url) if url else warehouse.start_embedded_server()
    connection = psycopg2.connect(admin.with_database("postgres").dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", (result["database"],))
            assert cursor.fetchone() == (0,)
    finally:
        connection.close()

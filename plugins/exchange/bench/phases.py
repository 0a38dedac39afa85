"""One benchmark phase in its own process: `python -m exchange.bench PHASE ...`.

The parent (exchange.bench) starts this module once per phase, with EXCHANGE_WAREHOUSE_URL set
to the run's scratch database, so each phase's peak memory is its own process's. The phase calls
the same domain functions the DAG tasks call, and writes a JSON result: seconds spent in those
functions (without interpreter start-up and imports), its peak RSS and what the functions returned.
A phase whose function does not exist yet exits with UNAVAILABLE_EXIT_CODE.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

UNAVAILABLE_EXIT_CODE = 3

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PhaseContext:
    connection: object
    address: object
    academic_year: int
    term: int
    landing_root: str
    work_dir: Path
    intake_workers: int = 1

    @property
    def output_dir(self) -> Path:
        folder = self.work_dir / "output" / str(self.academic_year) / str(self.term)
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def copy_sources(context: PhaseContext) -> dict:
    from exchange.bench import limits

    prepared = limits.prepare_copy_sources(
        context.landing_root, context.academic_year, context.term, context.work_dir / "raw_copy"
    )
    (context.work_dir / "raw_copy_sources.json").write_text(json.dumps(prepared["sources"]), encoding="utf-8")
    return {"files": len(prepared["sources"]), "xlsx_seconds": prepared["xlsx_seconds"]}


def raw_copy(context: PhaseContext) -> dict:
    from exchange.bench import limits

    sources = json.loads((context.work_dir / "raw_copy_sources.json").read_text(encoding="utf-8"))
    return limits.raw_copy(context.connection, sources)


def intake(context: PhaseContext) -> dict:
    from exchange.calendar import get_term
    from exchange.intake import run_intake

    term = get_term(context.academic_year, context.term)
    result = run_intake(
        context.connection,
        context.landing_root,
        term,
        term.step("submission_intake"),
        address=context.address,
        workers=context.intake_workers,
    )
    rows: dict[str, int] = {}
    for receipt in result["receipts"]:
        rows[receipt["dataset"]] = rows.get(receipt["dataset"], 0) + (receipt["rows"] or 0)
    rejected = [receipt["file_name"] for receipt in result["receipts"] if receipt["status"] == "rejected"]
    return {
        "files": result["files"],
        "counts": result["counts"],
        "rows": sum(rows.values()),
        "rows_by_dataset": rows,
        "rejected_files": rejected,
    }


def student_checks(context: PhaseContext) -> dict:
    from exchange.bench import limits

    return limits.student_checks(context.connection, context.academic_year, context.term)


def validation(context: PhaseContext) -> dict:
    from exchange.bench import limits
    from exchange.rules import validate_term

    result = validate_term(context.connection, context.address, context.academic_year, context.term)
    seconds_by_dataset: dict[str, float] = {}
    for summary in result["submissions"]:
        seconds = sum(summary.get("seconds", {}).values())
        seconds_by_dataset[summary["dataset"]] = round(
            seconds_by_dataset.get(summary["dataset"], 0.0) + seconds, 3
        )
    seconds_by_step: dict[str, float] = {}
    for summary in result["submissions"]:
        if summary["dataset"] == "students":
            for step, seconds in summary.get("seconds", {}).items():
                seconds_by_step[step] = round(seconds_by_step.get(step, 0.0) + seconds, 3)
    return {
        "validated": result["validated"],
        "issues_open": result["issues_open"],
        "seconds_by_dataset": seconds_by_dataset,
        "students_seconds_by_step": seconds_by_step,
        "students_issues_by_rule": limits.validation_issues_by_rule(
            context.connection, context.academic_year, context.term, "students"
        ),
    }


def exact_duplicates(context: PhaseContext) -> dict:
    from exchange.duplicates import detect_term

    return detect_term(context.connection, context.academic_year, context.term)


def suspected_matching(context: PhaseContext) -> dict:
    from exchange.duplicates import match_suspected

    return match_suspected(context.connection, context.address, context.academic_year, context.term)


def routing(context: PhaseContext) -> dict:
    from exchange.duplicates import route_term, write_work_packages

    routed = route_term(context.connection, context.academic_year, context.term)
    started = time.perf_counter()
    paths = write_work_packages(context.connection, context.academic_year, context.term, context.output_dir)
    return {
        "route_term": routed,
        "work_packages": len(paths),
        "work_packages_seconds": round(time.perf_counter() - started, 3),
    }


def budget(context: PhaseContext) -> dict:
    from exchange.outputs import export_budget, refresh_statistics

    started = time.perf_counter()
    statistics = refresh_statistics(context.connection, context.academic_year, context.term)
    statistics_seconds = time.perf_counter() - started
    manifest = export_budget(context.connection, context.academic_year, context.term, context.output_dir)
    return {
        "statistics_rows": statistics.get("rows"),
        "statistics_seconds": round(statistics_seconds, 3),
        "students_counted": manifest.get("totals", {}).get("students"),
        "files": len(manifest.get("files", [])),
    }


PHASES: dict[str, Callable[[PhaseContext], dict]] = {
    "copy_sources": copy_sources,
    "raw_copy": raw_copy,
    "intake": intake,
    "student_checks": student_checks,
    "validation": validation,
    "exact_duplicates": exact_duplicates,
    "suspected_matching": suspected_matching,
    "routing": routing,
    "budget": budget,
}


def _peak_rss_bytes() -> int:
    """Return this process's peak RSS since it started its program.

    /proc/self/status VmHWM is used where it exists: getrusage's ru_maxrss also counts the parent's
    peak, which the process inherited with fork before it ran this program.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports kilobytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m exchange.bench", description=__doc__.splitlines()[0])
    parser.add_argument("phase", choices=sorted(PHASES))
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--term", type=int, required=True)
    parser.add_argument("--landing", required=True, help="landing root of the term's files")
    parser.add_argument("--work-dir", type=Path, required=True, help="the run's scratch folder")
    parser.add_argument("--result", type=Path, required=True, help="file that receives the JSON result")
    parser.add_argument(
        "--intake-workers", type=int, default=1, help="files the intake loads at the same time"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    from exchange import warehouse

    address = warehouse.warehouse_address()
    connection = warehouse.connect(address)
    context = PhaseContext(
        connection, address, args.year, args.term, args.landing, args.work_dir, args.intake_workers
    )
    exit_code = 0
    try:
        started = time.perf_counter()
        try:
            detail = PHASES[args.phase](context)
            result = {"available": True, "seconds": round(time.perf_counter() - started, 3), "detail": detail}
        except ImportError as error:
            # The phase's module or function is not written yet; any other error fails the phase.
            result = {"available": False, "error": f"{type(error).__name__}: {error}"}
            exit_code = UNAVAILABLE_EXIT_CODE
    finally:
        connection.close()
    result |= {"phase": args.phase, "peak_rss_bytes": _peak_rss_bytes()}
    args.result.write_text(json.dumps(result, default=str, ensure_ascii=False), encoding="utf-8")
    return exit_code

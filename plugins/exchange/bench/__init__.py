"""`exchange bench`: a whole term at national or province scale, phase by phase, against the limits
of the database itself.

The run generates a term (or reuses one) and creates a scratch warehouse database on the configured
or embedded server. Each phase then runs in its own process (exchange.bench.phases). Two phases
measure the limits: the raw COPY of the term's files, and the students rules written by hand as
one SQL pass. The others are the term's work, through the same domain functions the DAGs call:
intake, validation, exact and suspected duplicates, routing with work packages, statistics and
the budget export. The run prints each phase's seconds, its ratio to the raw COPY, its CPU time
and peak memory, writes the report as JSON under output/bench/ and replaces its scale's section
of docs/benchmarks.md. The scratch database and files are removed unless `--keep`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2
from psycopg2 import sql

from exchange import reference, settings, warehouse
from exchange.bench import monitor, report
from exchange.bench.phases import PHASES, UNAVAILABLE_EXIT_CODE

log = logging.getLogger(__name__)

DEFAULT_DOC = settings.PROJECT_ROOT / "docs" / "benchmarks.md"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scale",
        choices=("national", "province", "demo"),
        default="province",
        help="size of the generated term (default: province, about 560,000 students)",
    )
    parser.add_argument("--seed", type=int, default=2566, help="generator seed (default: 2566)")
    parser.add_argument("--year", type=int, default=2566, help="academic year, Buddhist Era (default: 2566)")
    parser.add_argument("--term", type=int, choices=(1, 2), default=1, help="term number (default: 1)")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="scratch folder for the generated files and outputs (default: a new temporary folder)",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        default=None,
        help="landing root of an earlier `exchange generate` (or `bench --keep`) to use "
        "instead of generating; it is never deleted",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the scratch database and folder after the run (default: remove both)",
    )
    parser.add_argument(
        "--phases",
        default=",".join(PHASES),
        help=f"comma-separated phases to run, in this order: {','.join(PHASES)}",
    )
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="do not ANALYZE the database after each phase (by default the bench does, as "
        "autovacuum would in the days between the plan's steps)",
    )
    parser.add_argument(
        "--intake-workers",
        type=int,
        default=2,
        help="files the intake phase loads at the same time (default: 2)",
    )
    parser.add_argument(
        "--with-run-term",
        action="store_true",
        help="also time the term through `exchange run-term --no-monthly` on a second "
        "scratch database (Airflow must be set up: `exchange setup`)",
    )
    parser.add_argument(
        "--doc",
        type=Path,
        default=DEFAULT_DOC,
        help="markdown file whose section for this scale is replaced (default: docs/benchmarks.md)",
    )
    parser.add_argument("--no-doc", action="store_true", help="do not write the markdown file")
    parser.add_argument(
        "--report",
        type=Path,
        default=None,
        help="JSON report path (default: output/bench/<scale>-<time>.json)",
    )


def _admin_address() -> warehouse.ServerAddress:
    url = settings.configured_warehouse_url()
    return warehouse.parse_url(url) if url else warehouse.start_embedded_server()


def _create_database(admin: warehouse.ServerAddress, name: str) -> warehouse.ServerAddress:
    warehouse.ensure_database(admin, name)
    address = admin.with_database(name)
    connection = warehouse.connect(address)
    try:
        warehouse.migrate(connection)
        reference.load_reference(connection)
    finally:
        connection.close()
    return address


def _drop_database(admin: warehouse.ServerAddress, name: str) -> None:
    connection = psycopg2.connect(admin.with_database("postgres").dsn())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        connection.close()
    log.info("Dropped scratch database %s", name)


def _child_environment(address: warehouse.ServerAddress | None, work_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    if address is not None:
        env["EXCHANGE_WAREHOUSE_URL"] = address.sqlalchemy_url()
    env["EXCHANGE_OUTPUT_ROOT"] = str(work_dir / "output")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(settings.PROJECT_ROOT / "plugins"), env.get("PYTHONPATH")])
    )
    return env


def _run_child(command: list[str], env: dict[str, str], log_path: Path) -> tuple[int, float, int, float]:
    """Run a command with its output in `log_path`.

    Returns the exit code, wall seconds, peak RSS in bytes and CPU seconds of the child.
    """
    started = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
        # wait4 returns the resource usage of this child alone, so phases do not share one peak.
        _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return process.returncode, time.perf_counter() - started, usage.ru_maxrss * 1024, cpu


def _generate(args: argparse.Namespace, landing: Path, work_dir: Path) -> float:
    command = [
        sys.executable,
        "-m",
        "exchange.generate",
        "--out",
        str(landing),
        "--seed",
        str(args.seed),
        "--year",
        str(args.year),
        "--term",
        str(args.term),
        "--scale",
        args.scale,
    ]
    print(f"Generating a {args.scale} term under {landing} ...", flush=True)
    code, seconds, _peak, _cpu = _run_child(
        command, _child_environment(None, work_dir), work_dir / "generate.log"
    )
    if code != 0:
        raise RuntimeError(f"exchange generate failed with exit code {code}; see {work_dir / 'generate.log'}")
    return seconds


def _run_phase(name: str, args: argparse.Namespace, address, landing: Path, work_dir: Path) -> dict:
    result_path = work_dir / f"{name}.result.json"
    result_path.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "exchange.bench",
        name,
        "--year",
        str(args.year),
        "--term",
        str(args.term),
        "--landing",
        str(landing),
        "--work-dir",
        str(work_dir),
        "--result",
        str(result_path),
        "--intake-workers",
        str(args.intake_workers),
    ]
    load_before = monitor.load_average()
    print(f"  {name} ...", end="", flush=True)
    with monitor.BackendMemorySampler(address) as sampler:
        code, wall, peak, cpu = _run_child(
            command, _child_environment(address, work_dir), work_dir / f"{name}.log"
        )
    result = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else {}
    result.setdefault("available", code != UNAVAILABLE_EXIT_CODE)
    result.update(
        {
            "ok": code == 0,
            "exit_code": code,
            "wall_seconds": round(wall, 3),
            # The child's own figure: wait4's maximum also counts the peak this process had at fork.
            "peak_rss_bytes": result.get("peak_rss_bytes") or peak,
            "process_cpu_seconds": round(cpu, 1),
            "backend": sampler.result(),
            "load_average_before": load_before,
            "log": str(work_dir / f"{name}.log"),
        }
    )
    if code == 0:
        print(f" {result['seconds']:.1f} s", flush=True)
    elif code == UNAVAILABLE_EXIT_CODE:
        print(f" not available: {result.get('error')}", flush=True)
    else:
        print(f" FAILED (exit {code}); the end of its log:", flush=True)
        print(_log_tail(work_dir / f"{name}.log"), file=sys.stderr, flush=True)
    return result


def _log_tail(path: Path, characters: int = 3000) -> str:
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return text[-characters:]


def _run_term(args: argparse.Namespace, admin, landing: Path, work_dir: Path) -> dict:
    """Time the term through `exchange run-term --no-monthly` on a second scratch database."""
    name = f"exchange_bench_run_term_{uuid.uuid4().hex[:8]}"
    address = _create_database(admin, name)
    try:
        command = [
            str(Path(sys.executable).parent / "exchange"),
            "run-term",
            "--year",
            str(args.year),
            "--term",
            str(args.term),
            "--landing",
            str(landing),
            "--no-monthly",
        ]
        print("  exchange run-term ...", end="", flush=True)
        load_before = monitor.load_average()
        code, wall, _peak, _cpu = _run_child(
            command, _child_environment(address, work_dir), work_dir / "run_term.log"
        )
        print(f" {wall:.1f} s{'' if code == 0 else f' FAILED (exit {code})'}", flush=True)
        return {
            "ok": code == 0,
            "seconds": round(wall, 1),
            "load_average_before": load_before,
            "log": str(work_dir / "run_term.log"),
        }
    finally:
        if not args.keep:
            _drop_database(admin, name)


def _analyze(address: warehouse.ServerAddress) -> float:
    """ANALYZE the whole scratch database and return the seconds it took.

    In the plan, days pass between the steps, and autovacuum analyses the tables a step changed in
    that time. Run back to back, the next phase would be planned on the statistics of empty tables.
    """
    started = time.perf_counter()
    connection = warehouse.connect(address)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    finally:
        connection.close()
    return round(time.perf_counter() - started, 1)


def _landing_summary(landing: Path, year: int, term: int) -> dict:
    files = [
        path for path in (landing / str(year) / str(term)).glob("*/*") if path.suffix in (".csv", ".xlsx")
    ]
    truth_path = landing / str(year) / str(term) / "ground_truth.json"
    rows = 0
    if truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        rows = sum(entry.get("rows", 0) for entry in truth.get("files", {}).values())
    return {"files": len(files), "bytes": sum(path.stat().st_size for path in files), "rows": rows}


def _remove_scratch(work_dir: Path, own_work_dir: bool, generated: bool) -> None:
    """Remove the run's folder when the bench created it, else only the data it wrote into `--out`."""
    if own_work_dir:
        shutil.rmtree(work_dir, ignore_errors=True)
        return
    for name in (["landing"] if generated else []) + ["raw_copy", "output"]:
        shutil.rmtree(work_dir / name, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    selected = [name.strip() for name in args.phases.split(",") if name.strip()]
    unknown = [name for name in selected if name not in PHASES]
    if unknown:
        print(f"unknown phases {', '.join(unknown)}; expected some of {', '.join(PHASES)}", file=sys.stderr)
        return 2
    if "raw_copy" in selected and "copy_sources" not in selected:
        selected.insert(selected.index("raw_copy"), "copy_sources")
    own_work_dir = args.out is None
    work_dir = (args.out or Path(tempfile.mkdtemp(prefix=f"exchange-bench-{args.scale}-"))).resolve()
    work_dir.mkdir(parents=True, exist_ok=True)
    landing = (args.reuse or work_dir / "landing").resolve()
    admin = _admin_address()
    database = f"exchange_bench_{uuid.uuid4().hex[:8]}"
    bench = {
        "scale": args.scale,
        "seed": args.seed,
        "academic_year": args.year,
        "term": args.term,
        "database": database,
        "work_dir": str(work_dir),
        "landing": str(landing),
        "phases": {},
    }
    try:
        if args.reuse is None:
            bench["generate_seconds"] = round(_generate(args, landing, work_dir), 1)
        bench |= _landing_summary(landing, args.year, args.term)
        started = time.perf_counter()
        address = _create_database(admin, database)
        bench["setup_seconds"] = round(time.perf_counter() - started, 1)
        connection = warehouse.connect(address)
        try:
            bench["machine"] = monitor.machine_info(work_dir, connection)
        finally:
            connection.close()
        print(
            f"Benchmark of a {args.scale} term ({bench['rows']:,} rows, {bench['files']} files) "
            f"in database {database}; load average {bench['machine']['load_average']}",
            flush=True,
        )
        for name in PHASES:
            if name in selected:
                bench["phases"][name] = _run_phase(name, args, address, landing, work_dir)
                if args.analyze and name in report.TERM_PHASES:
                    bench["phases"][name]["analyze_seconds"] = _analyze(address)
        if args.with_run_term:
            bench["run_term"] = _run_term(args, admin, landing, work_dir)
        bench["load_average_end"] = monitor.load_average()
    finally:
        if not args.keep:
            _drop_database(admin, database)
            _remove_scratch(work_dir, own_work_dir, generated=args.reuse is None)
        else:
            print(f"Kept database {database} and folder {work_dir}", flush=True)
    bench["verdict"] = report.evaluate(bench)
    print()
    print(report.format_console(bench))
    report_path = args.report or (
        settings.output_root() / "bench" / f"{args.scale}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    )
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(
        json.dumps(bench, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    print(f"\nReport: {report_path}")
    if not args.no_doc:
        report.update_doc(args.doc, args.scale, report.format_markdown(bench))
        print(f"Updated the {args.scale} section of {args.doc}")
    failed = [name for name, phase in bench["phases"].items() if phase["available"] and not phase["ok"]]
    if bench.get("run_term") and not bench["run_term"]["ok"]:
        failed.append("run_term")
    return 1 if failed else 0

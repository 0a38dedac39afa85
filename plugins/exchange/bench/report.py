"""The benchmark's verdict on its targets, its console table and its section of docs/benchmarks.md."""

from __future__ import annotations

import re
from pathlib import Path

GIB = 1 << 30
# The phases that make up the ICT centre's processing of a term, intake to budget export.
TERM_PHASES = ("intake", "validation", "exact_duplicates", "suspected_matching", "routing", "budget")
LIMIT_PHASES = ("raw_copy", "student_checks")
TERM_TO_COPY_TARGET = 3.0
VALIDATION_TO_CHECKS_TARGET = 2.0
MEMORY_TARGET_BYTES = 2 * GIB
MATCHING_TARGET_SECONDS = 60.0


def _seconds(phases: dict, name: str) -> float | None:
    phase = phases.get(name) or {}
    return phase.get("seconds") if phase.get("available") and phase.get("ok") else None


def _cpu_seconds(phases: dict, names) -> float | None:
    """Return the CPU seconds of the phases' processes and backends, or None when one is missing."""
    total = 0.0
    for name in names:
        phase = phases.get(name) or {}
        backend = phase.get("backend") or {}
        if not (phase.get("ok") and backend.get("measured")):
            return None
        total += (phase.get("process_cpu_seconds") or 0.0) + (backend.get("cpu_seconds") or 0.0)
    return round(total, 1)


def _ratio(value: float | None, limit: float | None) -> float | None:
    if value is None or not limit:
        return None
    return round(value / limit, 2)


def evaluate(report: dict) -> dict:
    """Return the term's total, each phase's ratio to the limits, and each target met or not."""
    phases = report["phases"]
    copy_seconds = _seconds(phases, "raw_copy")
    checks_seconds = _seconds(phases, "student_checks")
    term_times = [_seconds(phases, name) for name in TERM_PHASES]
    complete = all(value is not None for value in term_times)
    term_seconds = round(sum(value for value in term_times if value is not None), 3)
    validation = phases.get("validation") or {}
    students_validation = ((validation.get("detail") or {}).get("seconds_by_dataset") or {}).get("students")

    targets = []
    targets.append(
        {
            "target": f"whole term within {TERM_TO_COPY_TARGET:g}x the raw COPY of its files",
            "value": _ratio(term_seconds, copy_seconds) if complete else None,
            "limit": TERM_TO_COPY_TARGET,
            "note": None if complete else "not every phase ran",
        }
    )
    targets.append(
        {
            "target": f"students validation within {VALIDATION_TO_CHECKS_TARGET:g}x the hand-written "
            "SQL pass",
            "value": _ratio(students_validation, checks_seconds),
            "limit": VALIDATION_TO_CHECKS_TARGET,
            "note": None,
        }
    )

    peak = 0
    for name in TERM_PHASES:
        phase = phases.get(name) or {}
        peak = max(
            peak,
            phase.get("peak_rss_bytes") or 0,
            (phase.get("backend") or {}).get("peak_private_bytes") or 0,
        )
    targets.append(
        {
            "target": "no phase above 2 GiB (its process, or the private memory of its PostgreSQL backends)",
            "value": round(peak / GIB, 2),
            "limit": MEMORY_TARGET_BYTES / GIB,
            "note": None,
        }
    )
    targets.append(
        {
            "target": f"suspected-duplicate matching within {MATCHING_TARGET_SECONDS:g} s",
            "value": _seconds(phases, "suspected_matching"),
            "limit": MATCHING_TARGET_SECONDS,
            "note": None if report["scale"] == "national" else "the target is for the national population",
        }
    )

    for target in targets:
        target["met"] = None if target["value"] is None else target["value"] <= target["limit"]
    ratios = {name: _ratio(_seconds(phases, name), copy_seconds) for name in TERM_PHASES}
    term_cpu = _cpu_seconds(phases, TERM_PHASES)
    copy_cpu = _cpu_seconds(phases, ["raw_copy"])
    return {
        "term_seconds": term_seconds if complete else None,
        "term_complete": complete,
        "ratio_to_raw_copy": ratios,
        "term_cpu_seconds": term_cpu,
        "raw_copy_cpu_seconds": copy_cpu,
        "cpu_ratio_to_raw_copy": _ratio(term_cpu, copy_cpu),
        "targets": targets,
    }


def _megabytes(value: int | None) -> str:
    return "–" if not value else f"{value / (1 << 20):,.0f}"


def _format_seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:,.1f}"


def phase_rows(report: dict) -> list[list[str]]:
    """Return one table row per phase: name, seconds, ratio to raw COPY, memory, rows and load."""
    verdict = report["verdict"]
    rows = []
    for name, phase in report["phases"].items():
        if not phase.get("available"):
            state = "not available: " + (phase.get("error") or "")[:60]
        elif not phase.get("ok"):
            state = f"failed (exit {phase.get('exit_code')}); log {phase.get('log')}"
        else:
            state = ""
        ratio = verdict["ratio_to_raw_copy"].get(name)
        backend = phase.get("backend") or {}
        rows.append(
            [
                name,
                _format_seconds(phase.get("seconds") if phase.get("ok") else None),
                "–" if ratio is None else f"{ratio:.2f}",
                f"{_format_seconds(phase.get('process_cpu_seconds'))} / "
                f"{_format_seconds(backend.get('cpu_seconds')) if backend.get('measured') else '–'}",
                _megabytes(phase.get("peak_rss_bytes")),
                _megabytes(backend.get("peak_private_bytes")) if backend.get("measured") else "–",
                _megabytes(backend.get("peak_process_rss_bytes")) if backend.get("measured") else "–",
                " ".join(f"{value:g}" for value in phase.get("load_average_before") or []),
                state,
            ]
        )
    return rows


HEADER = [
    "phase",
    "seconds",
    "× raw COPY",
    "CPU s process / backends",
    "process peak MB",
    "backends private MB",
    "largest backend RSS MB",
    "load average before",
    "state",
]


def format_console(report: dict) -> str:
    rows = [HEADER, *phase_rows(report)]
    widths = [max(len(row[index]) for row in rows) for index in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    verdict = report["verdict"]
    lines.append("")
    lines.append(
        f"whole term (intake to budget export): {_format_seconds(verdict['term_seconds'])} s, "
        f"{_format_seconds(verdict.get('term_cpu_seconds'))} CPU s "
        f"({verdict.get('cpu_ratio_to_raw_copy') or '–'}x the raw COPY's CPU seconds)"
    )
    for target in verdict["targets"]:
        met = {True: "met", False: "MISSED", None: "not measured"}[target["met"]]
        value = "–" if target["value"] is None else f"{target['value']:g}"
        note = f" ({target['note']})" if target["note"] else ""
        lines.append(f"{met:>12}: {target['target']}: {value} (limit {target['limit']:g}){note}")
    return "\n".join(lines)


def format_markdown(report: dict) -> str:
    """Return the run's section for docs/benchmarks.md: machine, load, table and targets."""
    machine = report["machine"]
    disk = machine.get("disk") or {}
    lines = [
        f"Run of {machine['date']}: scale `{report['scale']}`, seed {report['seed']}, "
        f"{report['rows']:,} rows in {report['files']} files ({report['bytes'] / GIB:.2f} GiB).",
        "",
        f"- Machine: {machine['cpu_model']}, {machine['cores']} cores, "
        f"{(machine.get('memory_bytes') or 0) / GIB:.0f} GiB memory, disk {disk.get('device', '?')} "
        f"({'reported as rotational' if disk.get('rotational') else 'reported as not rotational'}), "
        f"{(disk.get('free_bytes') or 0) / GIB:.0f} GiB free.",
        f"- PostgreSQL {machine['postgresql']} with "
        + ", ".join(f"{key} = {value}" for key, value in machine["postgresql_settings"].items())
        + ".",
        f"- Load average (1, 5, 15 min) at the start: {' '.join(map(str, machine['load_average']))}; "
        f"at the end: {' '.join(map(str, report['load_average_end']))}.",
        (
            f"- Generating the files took {_format_seconds(report['generate_seconds'])} s "
            "(not part of the term)."
            if report.get("generate_seconds")
            else f"- The files were reused from {report['landing']}."
        ),
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "|".join("---" for _ in HEADER) + "|",
    ]
    lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in phase_rows(report)]
    verdict = report["verdict"]
    lines += [
        "",
        f"Whole term, intake to budget export: {_format_seconds(verdict['term_seconds'])} s, "
        f"{_format_seconds(verdict.get('term_cpu_seconds'))} CPU seconds, "
        f"{verdict.get('cpu_ratio_to_raw_copy') or '–'} times the CPU seconds of the raw COPY.",
        "",
    ]
    lines += ["| target | measured | limit | met |", "|---|---|---|---|"]
    for target in verdict["targets"]:
        met = {True: "yes", False: "**no**", None: "not measured"}[target["met"]]
        value = "–" if target["value"] is None else f"{target['value']:g}"
        note = f" ({target['note']})" if target["note"] else ""
        lines.append(f"| {target['target']}{note} | {value} | {target['limit']:g} | {met} |")
    if report.get("run_term"):
        run_term = report["run_term"]
        lines += [
            "",
            f"The same term through `exchange run-term --no-monthly` (Airflow, `airflow dags test` "
            f"per DAG): {_format_seconds(run_term.get('seconds'))} s, "
            f"{'succeeded' if run_term.get('ok') else 'failed'}.",
        ]
    return "\n".join(lines) + "\n"


def update_doc(path: Path, scale: str, section: str) -> None:
    """Replace the text between the scale's markers in `path`, or append it with new markers."""
    start, end = f"<!-- bench:{scale}:start -->", f"<!-- bench:{scale}:end -->"
    block = f"{start}\n{section}{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _match: block, text)
    else:
        text = text.rstrip("\n") + f"\n\n## Latest `{scale}` run\n\n{block}\n"
    path.write_text(text, encoding="utf-8")

"""The pipeline's steps for the reliability tests: scratch warehouses, small generated terms, and
the steps run in order in this process or in a child process that a test can kill."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg2
from exchange import calendar, duplicates, intake, outputs, reference, rules, warehouse
from exchange.warehouse import ServerAddress

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2566
SEED = 7
# Pathum Thani (region 1) and Lamphun (region 15): duplicates inside a province, across provinces
# and across regions, with five agencies and every file format, in a few thousand rows.
PROVINCES = ("13", "51")
STUDENTS_PER_SCHOOL = 5
SMALL_DATASETS = ("schools", "students")


@functools.cache
def session_folder() -> Path:
    """Return the temporary folder of this test session, deleted at exit.

    It is created on first use, so that the child processes the fault tests kill leave none behind.
    """
    folder = Path(tempfile.mkdtemp(prefix="reliability-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def admin_address() -> ServerAddress:
    url = os.environ.get("EXCHANGE_WAREHOUSE_URL")
    return warehouse.parse_url(url) if url else warehouse.start_embedded_server()


def drop_database(admin: ServerAddress, name: str) -> None:
    connection = psycopg2.connect(admin.with_database("postgres").dsn())
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        connection.close()


@contextlib.contextmanager
def scratch_warehouse(admin: ServerAddress | None = None) -> Iterator[ServerAddress]:
    """Yield a new migrated warehouse with the reference tables loaded; drop it afterwards."""
    admin = admin or admin_address()
    name = f"exchange_reliability_{uuid.uuid4().hex[:8]}"
    warehouse.ensure_database(admin, name)
    address = admin.with_database(name)
    try:
        connection = psycopg2.connect(address.dsn())
        try:
            warehouse.migrate(connection)
            reference.load_reference(connection)
        finally:
            connection.close()
        yield address
    finally:
        drop_database(admin, name)


@functools.cache
def generated_term(
    term: int = 1,
    datasets: tuple[str, ...] | None = SMALL_DATASETS,
    formats: str = "mixed",
    provinces: tuple[str, ...] = PROVINCES,
) -> Path:
    """Return a landing root holding a generated term (only `datasets`, None for all eight).

    Generated once per session and shared, so callers must not write into it. Copies keep the
    files' modification times, because intake reads a file's receipt time from it.
    """
    name = f"{term}-{formats}-{'-'.join(provinces)}"
    source = session_folder() / f"generated-{name}"
    if not source.exists():
        from exchange.generate import generate_term

        generate_term(
            source,
            seed=SEED,
            term=term,
            provinces=list(provinces),
            students_per_school=STUDENTS_PER_SCHOOL,
            formats=formats,
        )
    landing = session_folder() / f"landing-{name}-{'-'.join(datasets or ('all',))}"
    for path in sorted(source.rglob("*")):
        if path.is_file() and (datasets is None or path.stem in datasets or path.suffix == ".json"):
            target = landing / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
    return landing


@dataclasses.dataclass(frozen=True)
class Pipeline:
    """Where one run of the steps reads and writes: a warehouse, a landing root and an output root."""

    address: ServerAddress
    landing: Path
    output: Path
    academic_year: int = YEAR
    term: int = 1

    @property
    def term_dir(self) -> Path:
        return self.output / str(self.academic_year) / str(self.term)

    @property
    def answers_dir(self) -> Path:
        return self.output / "answers" / str(self.academic_year) / str(self.term)

    def window(self, activity: str):
        return calendar.get_term(self.academic_year, self.term).step(activity)

    def to_json(self) -> str:
        fields = dataclasses.asdict(self)
        fields["address"] = dataclasses.asdict(self.address)
        return json.dumps(fields, default=str)

    @classmethod
    def from_json(cls, text: str) -> Pipeline:
        fields = json.loads(text)
        fields["address"] = ServerAddress(**fields["address"])
        fields["landing"], fields["output"] = Path(fields["landing"]), Path(fields["output"])
        return cls(**fields)

    def run(self, *steps: str) -> dict:
        """Run `steps` in order in this process; return each step's result."""
        with output_root(self.output):
            connection = psycopg2.connect(self.address.dsn())
            try:
                return {step: STEPS[step](self, connection) for step in steps}
            finally:
                connection.close()

    def start(self, *steps: str, application_name: str) -> subprocess.Popen:
        """Start `steps` in a child process whose sessions carry `application_name`."""
        env = {**os.environ, "PYTHONPATH": str(ROOT / "plugins"), "PGAPPNAME": application_name}
        return subprocess.Popen(
            [sys.executable, "-m", "tests.reliability_support", self.to_json(), *steps],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )


@contextlib.contextmanager
def output_root(folder: Path) -> Iterator[None]:
    """Point EXCHANGE_OUTPUT_ROOT, which the Data Docs folder is read from, at `folder`."""
    previous = os.environ.get("EXCHANGE_OUTPUT_ROOT")
    os.environ["EXCHANGE_OUTPUT_ROOT"] = str(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("EXCHANGE_OUTPUT_ROOT", None)
        else:
            os.environ["EXCHANGE_OUTPUT_ROOT"] = previous


def _answers(pipeline: Pipeline, connection) -> dict:
    from exchange.generate.answers import simulate_answers

    simulate_answers(
        pipeline.term_dir / "work_packages",
        pipeline.answers_dir,
        SEED,
        pipeline.window("duplicate_verification"),
    )
    return duplicates.import_answers(connection, pipeline.academic_year, pipeline.term, pipeline.answers_dir)


def _intake(pipeline: Pipeline, connection) -> dict:
    term = calendar.get_term(pipeline.academic_year, pipeline.term)
    return intake.run_intake(connection, str(pipeline.landing), term, term.step("submission_intake"))


Step = Callable[[Pipeline, object], object]
STEPS: dict[str, Step] = {
    "intake": _intake,
    "validate": lambda p, c: rules.validate_term(c, p.address, p.academic_year, p.term),
    "detect": lambda p, c: duplicates.detect_term(c, p.academic_year, p.term),
    "suspected": lambda p, c: duplicates.match_suspected(c, p.address, p.academic_year, p.term),
    "route": lambda p, c: duplicates.route_term(c, p.academic_year, p.term),
    "work_packages": lambda p, c: duplicates.write_work_packages(c, p.academic_year, p.term, p.term_dir),
    "answers": _answers,
    "escalate": lambda p, c: duplicates.escalate(
        c, p.academic_year, p.term, p.window("duplicate_verification").window_end
    ),
    "office_reports": lambda p, c: duplicates.write_office_reports(c, p.academic_year, p.term, p.term_dir),
    "corrections": lambda p, c: rules.write_correction_packages(c, p.academic_year, p.term, p.term_dir),
    "statistics": lambda p, c: outputs.refresh_statistics(c, p.academic_year, p.term),
    "budget": lambda p, c: outputs.export_budget(c, p.academic_year, p.term, p.term_dir),
    "ranking": lambda p, c: outputs.rank_offices(c, p.academic_year, p.term, p.term_dir),
    "open_data": lambda p, c: outputs.publish_open_data(c, p.academic_year, p.term, p.term_dir),
    "report": lambda p, c: outputs.write_ministry_report(c, p.academic_year, p.term, p.term_dir),
}
ALL_STEPS = tuple(STEPS)


def rendered_submissions(pipeline: Pipeline) -> set[int]:
    """Return the submission ids that have a validation page in the term's Data Docs."""
    pages = (pipeline.term_dir / "data_docs" / "validations").glob("*/*/*/*.html")
    return {int(page.parent.parent.name.rsplit("_", 1)[1]) for page in pages}


def steps_after(step: str) -> tuple[str, ...]:
    return ALL_STEPS[ALL_STEPS.index(step) + 1 :]


def steps_before(step: str) -> tuple[str, ...]:
    return ALL_STEPS[: ALL_STEPS.index(step)]


def validation_order(address: ServerAddress, academic_year: int = YEAR, term: int = 1) -> list[int]:
    """Return the term's accepted submission ids in the order validate_term validates them."""
    connection = psycopg2.connect(address.dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                warehouse.read_sql("rules/term_submissions.sql"),
                {"academic_year": academic_year, "term": term},
            )
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


def wait_for(condition: Callable[[], bool], timeout: float, interval: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def query_one(address: ServerAddress, statement: str, parameters: tuple = ()):
    connection = psycopg2.connect(address.dsn())
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement, parameters)
            return cursor.fetchone()
    finally:
        connection.close()


def active_queries(address: ServerAddress, application_name: str, like: str, waiting: bool = False) -> int:
    """Count the sessions of `application_name` running a statement that matches `like`."""
    return query_one(
        address,
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND state = 'active' "
        "AND query LIKE %s AND (NOT %s OR wait_event_type = 'Lock')",
        (application_name, like, waiting),
    )[0]


def kill(process: subprocess.Popen) -> str:
    """SIGKILL the process and return its output."""
    process.send_signal(signal.SIGKILL)
    output, _ = process.communicate(timeout=60)
    return output


def wait_for_sessions_to_end(address: ServerAddress, application_name: str) -> None:
    """Wait until the server has ended every session of `application_name`.

    A backend notices its client is gone only when it next talks to it, so a session that waits
    for a lock lingers until the lock is released.
    """
    ended = wait_for(
        lambda: (
            query_one(
                address,
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
                (application_name,),
            )[0]
            == 0
        ),
        timeout=60,
    )
    assert ended, f"the sessions of {application_name} outlived the killed process"

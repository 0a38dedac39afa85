"""A load killed half-way leaves the previous version in force and no partial rows anywhere."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from tests.conftest import ROOT
from tests.test_intake import HEADER, ROW_A, load, receipt_row, rows

LOADER = textwrap.dedent(
    """
    import datetime as dt, sys
    import psycopg2
    from exchange import calendar, intake
    from exchange.landing import LandingFile
    from pathlib import Path
    path = Path(sys.argv[2])
    connection = psycopg2.connect(sys.argv[1], application_name="interrupted_load")
    term = calendar.get_term(2566, 1)
    landing = LandingFile("OBEC", "students", str(path), "OBEC/students.csv",
                          dt.datetime(2023, 6, 20, tzinfo=calendar.BANGKOK), path.stat().st_size)
    intake.load_submission(connection, landing, term, term.step("submission_intake"), {"OBEC"})
    """
)


def wait_for_copy(connection, timeout=60.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'interrupted_load' "
                "AND query ILIKE 'COPY landing_rows%%' AND state = 'active'"
            )
            if cursor.fetchone()[0]:
                return True
        connection.commit()
        time.sleep(0.05)
    return False


def test_killed_load_leaves_previous_version(clean_warehouse, warehouse_address, tmp_path):
    first = tmp_path / "students.csv"
    first.write_text(f"{HEADER}\n{ROW_A}\n", encoding="utf-8")
    accepted = load(clean_warehouse, first)

    big = tmp_path / "big" / "students.csv"
    big.parent.mkdir()
    with big.open("w", encoding="utf-8") as handle:
        handle.write(HEADER + "\n")
        for number in range(600_000):
            handle.write(
                f"1010000001,{1100000000000 + number},เด็กชาย,สมชาย,ใจดี,M,2016-03-02,ป.1,ไทย,2023-05-16\n"
            )
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "plugins")}
    process = subprocess.Popen(
        [sys.executable, "-c", LOADER, warehouse_address.dsn(), str(big)], env=environment
    )
    try:
        assert wait_for_copy(clean_warehouse), "the load never reached its COPY"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()

    # The server notices the dead client and rolls its transaction back.
    deadline = time.time() + 30
    while time.time() < deadline:
        with clean_warehouse.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'interrupted_load'"
            )
            if cursor.fetchone()[0] == 0:
                break
        clean_warehouse.commit()
        time.sleep(0.1)

    assert receipt_row(clean_warehouse, accepted.submission_id)[0] == "accepted"
    assert len(rows(clean_warehouse, accepted.submission_id)) == 1
    with clean_warehouse.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM intake.submission")
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM core.students")
        assert cursor.fetchone()[0] == 1

    retried = load(clean_warehouse, big)
    assert retried.status == "accepted"
    assert retried.rows == 600_000
    assert receipt_row(clean_warehouse, accepted.submission_id)[0] == "superseded"

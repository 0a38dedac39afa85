"""Machine facts, load average and PostgreSQL backend memory and CPU, as the benchmark records them."""

from __future__ import annotations

import datetime as dt
import logging
import os
import platform
import shutil
import threading
from pathlib import Path

import psycopg2

from exchange.warehouse import ServerAddress

log = logging.getLogger(__name__)

SAMPLE_SECONDS = 0.25


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_bytes() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _disk(path: Path) -> dict:
    """Return the size and free space of the file system holding `path`, and whether it is rotational."""
    usage = shutil.disk_usage(path)
    info = {"total_bytes": usage.total, "free_bytes": usage.free}
    try:
        device = os.stat(path).st_dev
        name = Path(f"/sys/dev/block/{os.major(device)}:{os.minor(device)}").resolve().name
        rotational = Path(f"/sys/block/{name}/queue/rotational")
        if rotational.exists():
            info["device"] = name
            info["rotational"] = rotational.read_text().strip() == "1"
    except OSError:
        pass
    return info


def machine_info(data_path: Path, connection) -> dict:
    """Describe the machine, the disk under `data_path` and the PostgreSQL server of `connection`."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        settings = {}
        for name in (
            "shared_buffers",
            "work_mem",
            "maintenance_work_mem",
            "max_parallel_workers_per_gather",
            "synchronous_commit",
            "jit",
            "max_wal_size",
        ):
            cursor.execute("SELECT current_setting(%s)", (name,))
            settings[name] = cursor.fetchone()[0]
    connection.commit()
    return {
        "date": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_bytes": _memory_bytes(),
        "disk": _disk(data_path),
        "python": platform.python_version(),
        "postgresql": server_version,
        "postgresql_settings": settings,
        "load_average": load_average(),
    }


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """Return the user and system CPU time of a process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _read_status(pid: int) -> dict[str, int]:
    """Return the kB fields of /proc/<pid>/status that describe memory, as bytes."""
    values = {}
    with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS", "RssAnon"):
                values[key] = int(rest.split()[0]) * 1024
    return values


class BackendMemorySampler:
    """Samples the memory of every PostgreSQL process serving one database, in a background thread.

    It reads /proc/<pid>/status of the backends and parallel workers that pg_stat_activity lists
    for the database, so it only works when the server runs on this machine and /proc is readable.
    `peak_private_bytes` is the largest sampled sum of their private (anonymous) memory: sorts,
    hashes and caches. `peak_process_rss_bytes` is the largest peak RSS (VmHWM) of one of them,
    which also counts the shared buffers that process touched. `cpu_seconds` adds up the CPU time
    each of them had used when last sampled, so it misses at most one sampling interval per process.
    """

    def __init__(self, address: ServerAddress):
        self._address = address
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.peak_private_bytes = 0
        self.peak_process_rss_bytes = 0
        self.readable = False
        self._cpu_by_pid: dict[int, float] = {}

    def __enter__(self) -> BackendMemorySampler:
        self._thread = threading.Thread(target=self._run, name="backend-memory", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            connection = psycopg2.connect(self._address.dsn())
        except psycopg2.Error as error:
            log.warning("Backend memory is not sampled: connection failed (%s)", error)
            return
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                while not self._stop.is_set():
                    cursor.execute(
                        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                        "AND pid <> pg_backend_pid()"
                    )
                    self._sample([row[0] for row in cursor.fetchall()])
                    self._stop.wait(SAMPLE_SECONDS)
        finally:
            connection.close()

    def _sample(self, pids: list[int]) -> None:
        private = 0
        for pid in pids:
            try:
                status = _read_status(pid)
                self._cpu_by_pid[pid] = _cpu_seconds(pid)
            except OSError:
                continue
            self.readable = True
            private += status.get("RssAnon", 0)
            self.peak_process_rss_bytes = max(self.peak_process_rss_bytes, status.get("VmHWM", 0))
        self.peak_private_bytes = max(self.peak_private_bytes, private)

    def result(self) -> dict:
        if not self.readable:
            return {"measured": False}
        return {
            "measured": True,
            "peak_private_bytes": self.peak_private_bytes,
            "peak_process_rss_bytes": self.peak_process_rss_bytes,
            "cpu_seconds": round(sum(self._cpu_by_pid.values()), 1),
        }

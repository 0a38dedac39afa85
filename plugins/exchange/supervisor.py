"""Supervision of service processes: each runs in its own session and process group, all are watched
and stopped together (SIGTERM to every group, then SIGKILL to what is left after a grace period).

Used by `exchange airflow-services`. Of Airflow it uses only the format of the health report.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

# Components of Airflow's health report (`/api/v2/monitor/health`) that must be healthy.
HEALTHY_COMPONENTS = ("metadatabase", "scheduler", "triggerer", "dag_processor")
STOP_GRACE_SECONDS = 30


def health(url: str, timeout: float = 5) -> dict | None:
    """Return the api-server's health report (`/api/v2/monitor/health`), or None if it does not respond."""
    # No proxy: the api-server is on loopback, and a configured HTTP proxy must not see the request.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{url}/api/v2/monitor/health", timeout=timeout) as response:
            return json.loads(response.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def unhealthy_components(report: dict | None) -> list[str]:
    if report is None:
        return ["api-server"]
    return [name for name in HEALTHY_COMPONENTS if (report.get(name) or {}).get("status") != "healthy"]


def write_json(path: Path, content: dict) -> None:
    """Write `content` to `path` atomically, so a reader never sees half a file."""
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")
    partial.replace(path)


def process_alive(pid: int, command_part: str) -> bool:
    """Return True if process `pid` exists and its command line contains `command_part`.

    Checking the command line keeps a recycled process id from being taken for the service.
    """
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return False
    return command_part in command


def group_alive(process_group: int) -> bool:
    try:
        os.killpg(process_group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(process_group: int, signal_number: int) -> None:
    try:
        os.killpg(process_group, signal_number)
    except ProcessLookupError:
        pass


def stop_groups(groups: dict[str, int], grace: float = STOP_GRACE_SECONDS, reap=lambda: None) -> None:
    """Send SIGTERM to each process group in `groups` order, wait up to `grace` seconds, then SIGKILL
    what is left.

    `reap` collects exited children of this process, because an unreaped child still counts as a
    member of its process group.
    """
    for name, group in groups.items():
        if group_alive(group):
            log.info("Stopping %s (process group %s)", name, group)
            signal_group(group, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        reap()
        if not any(group_alive(group) for group in groups.values()):
            break
        time.sleep(0.2)
    for name, group in groups.items():
        if group_alive(group):
            log.warning("%s did not stop within %s s; killing process group %s", name, grace, group)
            signal_group(group, signal.SIGKILL)


class Supervisor:
    """Starts the four services in their own process groups, watches them and stops them together."""

    def __init__(self, url: str, commands: dict[str, list[str]], env: dict[str, str], log_folder: Path,
                 state_file: Path):
        self.url = url
        self.commands = commands
        self.env = env
        self.log_folder = log_folder
        self.state_file = state_file
        self.processes: dict[str, subprocess.Popen] = {}
        self.stop_requested = threading.Event()

    def start(self) -> None:
        self.log_folder.mkdir(parents=True, exist_ok=True)
        for name, command in self.commands.items():
            with (self.log_folder / f"{name}.log").open("ab") as output:
                self.processes[name] = subprocess.Popen(
                    command, env=self.env, stdin=subprocess.DEVNULL,
                    stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                )
            log.info("Started %s (pid %s), output in %s", name, self.processes[name].pid,
                     self.log_folder / f"{name}.log")
        self.save_state(ready=False)

    def save_state(self, ready: bool) -> None:
        """Write the url, readiness and process ids to the state file, which `--stop` and tests read."""
        write_json(self.state_file, {
            "url": self.url, "port": int(self.url.rsplit(":", 1)[1]), "ready": ready,
            "supervisor": os.getpid(),
            "services": {name: process.pid for name, process in self.processes.items()},
            "logs": str(self.log_folder),
        })

    def exited(self) -> dict[str, int]:
        """Return {service: exit code} of every service that has exited."""
        codes = {name: process.poll() for name, process in self.processes.items()}
        return {name: code for name, code in codes.items() if code is not None}

    def wait_until_healthy(self, timeout: float) -> bool:
        """Wait until every component reports healthy; return False on timeout, exit or stop request."""
        deadline = time.monotonic() + timeout
        waiting: list[str] = []
        while time.monotonic() < deadline:
            if self.exited() or self.stop_requested.is_set():
                return False
            waiting = unhealthy_components(health(self.url))
            if not waiting:
                return True
            self.stop_requested.wait(2)
        log.error("Timed out after %s s waiting for %s to report healthy", timeout, ", ".join(waiting))
        return False

    def watch(self) -> int:
        """Block until a stop is requested (return 0) or a service exits on its own (return 1)."""
        while not self.stop_requested.wait(1):
            exited = self.exited()
            if exited:
                for name, code in exited.items():
                    log.error("%s exited with code %s; see %s", name, code, self.log_folder / f"{name}.log")
                return 1
        return 0

    def stop(self) -> None:
        stop_groups({name: process.pid for name, process in self.processes.items()}, reap=self.exited)
        for process in self.processes.values():
            process.wait()
        log.info("All Airflow services stopped")

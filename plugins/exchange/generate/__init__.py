"""Generate realistic agency submissions for one term, with injected faults and a ground truth.

Command line: ``exchange generate --out DIR --seed N [--year 2566] [--term 1]
[--provinces 10,11,50 | --scale demo|province|national] [--formats plain|mixed]``.
``exchange.cli`` delegates to ``add_arguments`` and ``run``; ``python -m exchange.generate``
runs ``main`` directly.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from exchange.generate.formats import FORMAT_CHOICES
from exchange.generate.term import SCALES, generate_term

__all__ = ["add_arguments", "generate_term", "main", "run"]

log = logging.getLogger(__name__)


def _province_list(text: str) -> list[str]:
    codes = [part.strip() for part in text.split(",") if part.strip()]
    invalid = [code for code in codes if not (len(code) == 2 and code.isdigit())]
    if not codes or invalid:
        raise argparse.ArgumentTypeError(
            f"invalid province list {text!r}: expected 2-digit DOPA codes separated by commas, "
            "for example 10,13,50"
        )
    return codes


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the generate options to ``parser`` (a subcommand parser or a standalone one)."""
    parser.add_argument(
        "--out",
        type=Path,
        required=True,
        help="folder that receives <academic_year>/<term>/<agency>/<dataset> files and ground_truth.json",
    )
    parser.add_argument(
        "--seed", type=int, required=True, help="random seed; the same seed gives identical files"
    )
    parser.add_argument("--year", type=int, default=2566, help="academic year, Buddhist Era (default: 2566)")
    parser.add_argument("--term", type=int, choices=(1, 2), default=1, help="term, 1 or 2 (default: 1)")
    parser.add_argument(
        "--provinces",
        type=_province_list,
        default=None,
        help="comma-separated 2-digit DOPA province codes (default: the scale's provinces)",
    )
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="demo",
        help="demo: 4 provinces, about 60 students per school; province: Nakhon Ratchasima, "
        "about 350 per school; national: all 77 provinces, about 12.5 million students "
        "(default: demo)",
    )
    parser.add_argument(
        "--formats",
        choices=FORMAT_CHOICES,
        default="mixed",
        help="mixed: each agency's own encoding, headers and date style; plain: UTF-8 CSV with "
        "English headers and ISO dates everywhere (default: mixed)",
    )


def run(args: argparse.Namespace) -> int:
    """Run the generator with parsed arguments; return the process exit code."""
    truth = generate_term(
        args.out,
        seed=args.seed,
        academic_year=args.year,
        term=args.term,
        provinces=args.provinces,
        scale=args.scale,
        formats=args.formats,
    )
    log.info("Wrote %d files and ground_truth.json under %s", len(truth["files"]), args.out)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` as the generate subcommand and run it."""
    parser = argparse.ArgumentParser(prog="exchange generate", description=__doc__.splitlines()[0])
    add_arguments(parser)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return run(parser.parse_args(argv))

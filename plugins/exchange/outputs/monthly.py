"""The monthly update (term 1 step 20, term 2 step 15): after the month-end intake, validate the
term's submissions again and refresh the statistics."""

from __future__ import annotations

import importlib
import logging

from exchange.outputs.statistics import refresh_statistics

log = logging.getLogger(__name__)


def monthly_refresh(connection, address, academic_year: int, term: int) -> dict:
    """Run `exchange.rules.validate_term` on the term, then `refresh_statistics`.

    Returns {"validation": what validate_term returned, "statistics": what refresh_statistics
    returned}. Raises RuntimeError when the rules package or its validate_term is missing, because statistics
    refreshed over records that were never validated would count records with errors.
    """
    try:
        rules = importlib.import_module("exchange.rules")
    except ModuleNotFoundError as error:
        if error.name != "exchange.rules":
            raise
        rules = None
    validate_term = getattr(rules, "validate_term", None)
    if validate_term is None:
        raise RuntimeError(
            "exchange.rules.validate_term is missing, so the monthly update cannot validate the "
            "changed submissions; install the rules package (plugins/exchange/rules) and run again"
        )
    validation = validate_term(connection, address, academic_year, term)
    statistics = refresh_statistics(connection, academic_year, term)
    log.info(
        "Monthly update for term %s of %s: validated, %s students counted",
        term,
        academic_year,
        statistics["students"],
    )
    return {"validation": validation, "statistics": statistics}

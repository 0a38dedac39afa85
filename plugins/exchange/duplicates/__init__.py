"""Duplicate students: every child on more than one school's rolls in a term, as a case that goes to
the offices that must settle it, comes back with their answers, and is escalated when they cannot.

Exact cases share a personal ID; suspected cases (G codes, mistyped IDs) come from probabilistic
record linkage with Splink. Splink is imported only when match_suspected runs.
"""

from exchange.duplicates.answers import import_answers
from exchange.duplicates.detection import detect_term
from exchange.duplicates.lifecycle import decide, escalate
from exchange.duplicates.packages import write_work_packages
from exchange.duplicates.reports import compute_office_reports, write_office_reports
from exchange.duplicates.routing import route_term
from exchange.duplicates.suspected import match_suspected

__all__ = [
    "compute_office_reports",
    "decide",
    "detect_term",
    "escalate",
    "import_answers",
    "match_suspected",
    "route_term",
    "write_office_reports",
    "write_work_packages",
]

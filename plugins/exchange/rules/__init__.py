"""The ministry's rules: Great Expectations suites run inside PostgreSQL, issue rows and corrections.

`validate_term` and `validate_submission` run the suites of include/expectations/ and write
quality.validation_run and quality.issue. `write_correction_packages` writes each agency's
correction package, and `correction_rates` reads the share of issues each agency resolved.
"""

from exchange.rules.corrections import correction_rates, write_correction_packages
from exchange.rules.validate import validate_submission, validate_term

__all__ = ["correction_rates", "validate_submission", "validate_term", "write_correction_packages"]

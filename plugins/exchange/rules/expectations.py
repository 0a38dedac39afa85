"""The two Great Expectations expectation types that GX 1.x has no built-in for.

Each is a column map expectation whose condition is SQL that PostgreSQL evaluates, so Great
Expectations folds its unexpected count into the same aggregate query as the built-in
expectations of the suite. Importing this module registers the types under their snake_case
names, which the suites in include/expectations/ use.

The Thai ID rules need no type of their own: each frame computes quality.personal_id_kind once
per row (format and check digit, in SQL), and the built-in expect_column_values_to_not_be_in_set
tests it.
"""

from __future__ import annotations

import sqlalchemy as sa
from great_expectations.compatibility import pydantic
from great_expectations.core.suite_parameters import SuiteParameterDict
from great_expectations.execution_engine import SqlAlchemyExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    column_condition_partial,
)

SCHOOL_OF_TERM_METRIC = "column_values.school_code_of_term"
BETWEEN_COLUMNS_METRIC = "column_values.between_columns"


class ColumnValuesSchoolCodeOfTerm(ColumnMapMetricProvider):
    """True when the school code is listed in an accepted schools submission of the term."""

    condition_metric_name = SCHOOL_OF_TERM_METRIC
    condition_value_keys = ("academic_year", "term")

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, academic_year, term, **kwargs):
        schools = sa.table(
            "current_schools",
            sa.column("school_code"),
            sa.column("academic_year"),
            sa.column("term"),
            schema="core",
        )
        # NULL codes are left out: one NULL in the list would make every NOT IN test unknown.
        listed = sa.select(schools.c.school_code).where(
            schools.c.academic_year == academic_year,
            schools.c.term == term,
            schools.c.school_code.is_not(None),
        )
        return column.in_(listed)


class ColumnValuesBetweenColumns(ColumnMapMetricProvider):
    """True when the value lies between two other columns of the same row, or a bound is NULL."""

    condition_metric_name = BETWEEN_COLUMNS_METRIC
    condition_value_keys = ("min_column", "max_column")

    @column_condition_partial(engine=SqlAlchemyExecutionEngine)
    def _sqlalchemy(cls, column, min_column, max_column, **kwargs):
        lower, upper = sa.column(min_column), sa.column(max_column)
        return sa.or_(lower.is_(None), upper.is_(None), sa.and_(column >= lower, column <= upper))


class ExpectColumnValuesToBeSchoolCodesOfTerm(ColumnMapExpectation):
    """Expect every school code to appear in the term's schools dataset (core.current_schools)."""

    academic_year: int | SuiteParameterDict = pydantic.Field(
        description="Academic year (Buddhist Era) of the schools dataset to look in"
    )
    term: int | SuiteParameterDict = pydantic.Field(description="Term (1 or 2) of that dataset")

    map_metric = SCHOOL_OF_TERM_METRIC
    success_keys = ("academic_year", "term", "mostly")
    args_keys = ("column", "academic_year", "term")


class ExpectColumnValuesToBeBetweenColumns(ColumnMapExpectation):
    """Expect each value to lie between the values of two other columns of the same row.

    A row where either bound is NULL passes, so a rule that compares a birth date with the range
    a grade accepts reports nothing for a grade it does not know.
    """

    min_column: str = pydantic.Field(description="Column holding the row's lowest allowed value")
    max_column: str = pydantic.Field(description="Column holding the row's highest allowed value")

    map_metric = BETWEEN_COLUMNS_METRIC
    success_keys = ("min_column", "max_column", "mostly")
    args_keys = ("column", "min_column", "max_column")


CUSTOM_EXPECTATION_TYPES = (
    "expect_column_values_to_be_school_codes_of_term",
    "expect_column_values_to_be_between_columns",
)

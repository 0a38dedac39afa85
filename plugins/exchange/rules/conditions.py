"""Each expectation's unexpected-row condition as SQL, for writing issue rows inside PostgreSQL.

The conditions mirror how Great Expectations 1.x evaluates these expectation types on
PostgreSQL: a map expectation ignores NULL values (except the null checks themselves) and flags
a row when its expected condition is false, not when it is unknown. Every validation run compares
the rows these conditions select with the unexpected counts Great Expectations reports, per
expectation, and fails on any difference.
"""

from __future__ import annotations

from psycopg2 import sql

from exchange.rules.suites import RuleExpectation

SUPPORTED_TYPES = frozenset(
    {
        "expect_column_values_to_not_be_null",
        "expect_column_values_to_be_null",
        "expect_column_values_to_be_in_set",
        "expect_column_values_to_not_be_in_set",
        "expect_column_values_to_match_regex",
        "expect_column_values_to_be_between",
        "expect_column_values_to_be_school_codes_of_term",
        "expect_column_values_to_be_between_columns",
    }
)


def resolve(value, parameters: dict):
    """Replace a {"$PARAMETER": name} reference with its value, as Great Expectations does."""
    if isinstance(value, dict) and "$PARAMETER" in value:
        name = value["$PARAMETER"]
        if name not in parameters:
            raise KeyError(f"suite parameter {name!r} has no value; expected one of {sorted(parameters)}")
        return parameters[name]
    return value


def _between(column: sql.Composable, kwargs: dict, parameters: dict) -> sql.Composable:
    bounds = []
    minimum = resolve(kwargs.get("min_value"), parameters)
    maximum = resolve(kwargs.get("max_value"), parameters)
    if minimum is not None:
        operator = ">" if resolve(kwargs.get("strict_min", False), parameters) else ">="
        bounds.append(sql.SQL("{} {} {}").format(column, sql.SQL(operator), sql.Literal(minimum)))
    if maximum is not None:
        operator = "<" if resolve(kwargs.get("strict_max", False), parameters) else "<="
        bounds.append(sql.SQL("{} {} {}").format(column, sql.SQL(operator), sql.Literal(maximum)))
    if not bounds:
        raise ValueError("expect_column_values_to_be_between needs min_value or max_value")
    return sql.SQL(" AND ").join(bounds)


def expected_condition(expectation: RuleExpectation, parameters: dict) -> sql.Composable:
    """Return the SQL that is true for a row the expectation accepts, on a frame aliased `frame`."""
    kwargs = expectation.kwargs
    column = sql.Identifier("frame", expectation.column)
    kind = expectation.type
    if kind == "expect_column_values_to_not_be_null":
        return sql.SQL("{} IS NOT NULL").format(column)

    if kind == "expect_column_values_to_be_null":
        return sql.SQL("{} IS NULL").format(column)

    if kind == "expect_column_values_to_be_in_set":
        values = resolve(kwargs["value_set"], parameters)
        if not values:
            return sql.SQL("false")
        return sql.SQL("{} IN ({})").format(column, sql.SQL(", ").join(map(sql.Literal, values)))

    if kind == "expect_column_values_to_not_be_in_set":
        values = resolve(kwargs["value_set"], parameters)
        if not values:
            return sql.SQL("true")
        return sql.SQL("{} NOT IN ({})").format(column, sql.SQL(", ").join(map(sql.Literal, values)))

    if kind == "expect_column_values_to_match_regex":
        return sql.SQL("{} ~ {}").format(column, sql.Literal(resolve(kwargs["regex"], parameters)))

    if kind == "expect_column_values_to_be_between":
        return _between(column, kwargs, parameters)

    if kind == "expect_column_values_to_be_school_codes_of_term":
        return sql.SQL(
            "{} IN (SELECT listed.school_code FROM core.current_schools AS listed"
            " WHERE listed.academic_year = {} AND listed.term = {} AND listed.school_code IS NOT NULL)"
        ).format(
            column,
            sql.Literal(int(resolve(kwargs["academic_year"], parameters))),
            sql.Literal(int(resolve(kwargs["term"], parameters))),
        )

    if kind == "expect_column_values_to_be_between_columns":
        lower = sql.Identifier("frame", kwargs["min_column"])
        upper = sql.Identifier("frame", kwargs["max_column"])
        return sql.SQL(
            "({lower} IS NULL OR {upper} IS NULL OR ({column} >= {lower} AND {column} <= {upper}))"
        ).format(lower=lower, upper=upper, column=column)

    raise ValueError(
        f"expectation type {kind} has no SQL condition; supported: {', '.join(sorted(SUPPORTED_TYPES))}"
    )


def unexpected_condition(expectation: RuleExpectation, parameters: dict) -> sql.Composable:
    """Return the SQL that is true for exactly the rows the expectation counts as unexpected."""
    expected = expected_condition(expectation, parameters)
    if expectation.type == "expect_column_values_to_not_be_null":
        return sql.SQL("NOT ({})").format(expected)
    column = sql.Identifier("frame", expectation.column)
    return sql.SQL("({} IS NOT NULL AND NOT ({}))").format(column, expected)

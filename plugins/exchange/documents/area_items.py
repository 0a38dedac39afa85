"""Area data items: indicators that a provincial or regional office defines for its own area
(term 1 steps 11–12, term 2 steps 6–7), one YAML file each under include/area_items/.

A definition has a name, a Thai title and description, the kind of area it applies to and which
of those areas, and one SQL SELECT over the views of the `area` schema. The SQL is parsed with
sqlglot and rejected before it runs unless it is a single SELECT that reads only `area` views,
names no personal column and calls only functions on an allowlist. This check gives a clear
reason. The guarantee is the way area_item_run.py runs the query: in a read-only transaction, with
a statement timeout, `search_path` limited to `area`, and the role exchange_area_reader, which may
read the `area` views and nothing else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import sqlglot
import yaml
from sqlglot import exp
from sqlglot.errors import ParseError

from exchange import settings
from exchange.contracts import DATASETS, load_contract

ITEMS_DIR = settings.INCLUDE / "area_items"
SAFE_SCHEMA = "area"
AREA_TYPES = ("province", "region", "inspection_zone")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{2,62}$")
REQUIRED_COLUMNS = ("academic_year", "term", "area_code")
DEFAULT_TIMEOUT_SECONDS = 60
MAX_TIMEOUT_SECONDS = 600

# The views of the `area` schema (include/sql/migrations/V007__documents.sql).
SAFE_VIEWS = frozenset(
    {
        "region",
        "inspection_zone",
        "province",
        "district",
        "grade",
        "agency",
        "size_band",
        "student_count",
        "district_student_count",
        "district_continuity",
        "school",
        "teacher_ratio",
        "student_change",
        "area_student_count",
        "area_school_count",
    }
)
# sqlglot expression classes of the functions an item may call: aggregates, window functions,
# arithmetic, text and date functions. None of them reads files, other databases or settings.
ALLOWED_FUNCTIONS = frozenset(
    {
        "Abs",
        "ArrayAgg",
        "Avg",
        "Case",
        "Cast",
        "Ceil",
        "Coalesce",
        "Concat",
        "Count",
        "CumeDist",
        "CurrentDate",
        "CurrentTimestamp",
        "DateTrunc",
        "DenseRank",
        "Exp",
        "ExplodingGenerateSeries",
        "Extract",
        "FirstValue",
        "Floor",
        "GenerateSeries",
        "Greatest",
        "GroupConcat",
        "If",
        "Lag",
        "LastValue",
        "Lead",
        "Least",
        "Left",
        "Length",
        "Ln",
        "Log",
        "LogicalAnd",
        "LogicalOr",
        "Lower",
        "Max",
        "Min",
        "Ntile",
        "Nullif",
        "Pad",
        "PercentRank",
        "PercentileCont",
        "PercentileDisc",
        "Pow",
        "Rank",
        "RegexpLike",
        "Replace",
        "Right",
        "Round",
        "RowNumber",
        "Sign",
        "SplitPart",
        "Sqrt",
        "Stddev",
        "StddevPop",
        "StddevSamp",
        "StrPosition",
        "Substring",
        "Sum",
        "TimeToStr",
        "TimestampTrunc",
        "Trim",
        "Trunc",
        "TryCast",
        "Upper",
        "Variance",
        "VariancePop",
        "WidthBucket",
    }
)
# Functions sqlglot does not model (it parses them as anonymous) that are safe to call.
ALLOWED_ANONYMOUS = frozenset(
    {"age", "make_date", "date_part", "num_nulls", "num_nonnulls", "initcap", "btrim"}
)
# Statements and clauses that write, lock or leave the query: rejected wherever they appear,
# including inside a WITH clause, where PostgreSQL allows INSERT, UPDATE and DELETE.
FORBIDDEN_NODES = (
    exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop, exp.Alter, exp.Command,
    exp.Copy, exp.Into, exp.Lock, exp.Set, exp.Transaction, exp.Commit, exp.Rollback, exp.TruncateTable,
    exp.Grant, exp.Use,
)  # fmt: skip


class AreaItemRejected(ValueError):
    """A definition that cannot run, with the file and the reason."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


@dataclass(frozen=True)
class AreaItem:
    name: str
    title_th: str
    description_th: str
    office: str
    area_type: str
    areas: tuple[str, ...] | None  # None: every area of the type
    sql: str  # the checked query as sqlglot writes it back, which is what runs
    timeout_seconds: int
    source: str
    definition_sha256: str


def personal_columns() -> frozenset[str]:
    """Return the names of the contracts' personal columns, and the dates derived from them."""
    names = {column for dataset in DATASETS for column in load_contract(dataset).personal_columns}
    return frozenset(names | {f"{name}_value" for name in names})


def check_query(sql_text: str, source: str) -> str:
    """Return the query as sqlglot writes it back, or raise AreaItemRejected with the reason."""
    try:
        statements = [statement for statement in sqlglot.parse(sql_text, read="postgres") if statement]
    except ParseError as error:
        first = str(error).splitlines()[0]
        raise AreaItemRejected(source, f"the SQL does not parse: {first}") from None
    if len(statements) != 1:
        raise AreaItemRejected(
            source, f"the SQL must be one SELECT statement; found {len(statements)} statements"
        )
    query = statements[0]
    if not isinstance(query, exp.Select | exp.SetOperation):
        raise AreaItemRejected(source, f"the SQL must be a SELECT; found {query.key.upper()}")
    for node in query.walk():
        if isinstance(node, FORBIDDEN_NODES):
            raise AreaItemRejected(source, f"{node.key.upper()} is not allowed: an item may only read")

    cte_names = {cte.alias_or_name for cte in query.find_all(exp.CTE)}
    for table in query.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue  # a table function such as generate_series: the function check below applies
        qualified = ".".join(part for part in (table.catalog, table.db, table.name) if part)
        if table.catalog or (table.db and table.db != SAFE_SCHEMA):
            raise AreaItemRejected(
                source, f"table {qualified} is outside the {SAFE_SCHEMA} schema; read only its views"
            )
        if not table.db and table.name in cte_names:
            continue
        if table.name not in SAFE_VIEWS:
            raise AreaItemRejected(
                source,
                f"table {qualified} is not a view of the {SAFE_SCHEMA} schema; "
                f"available: {', '.join(sorted(SAFE_VIEWS))}",
            )

    personal = personal_columns()
    for column in query.find_all(exp.Column):
        if column.name.lower() in personal:
            raise AreaItemRejected(source, f"column {column.name} is personal data and may not be read")

    for function in query.find_all(exp.Func):
        if isinstance(function, exp.Connector):
            continue  # AND, OR: sqlglot models them as functions
        if isinstance(function, exp.Anonymous):
            name = function.name.lower()
            if name not in ALLOWED_ANONYMOUS or isinstance(function.parent, exp.Dot):
                raise AreaItemRejected(source, f"function {function.name} is not allowed")
        elif type(function).__name__ not in ALLOWED_FUNCTIONS:
            raise AreaItemRejected(source, f"function {function.sql_name()} is not allowed")
    for dot in query.find_all(exp.Dot):
        if isinstance(dot.expression, exp.Func):
            raise AreaItemRejected(
                source, f"function {dot.sql(dialect='postgres')} is not allowed: schema-qualified"
            )
    return query.sql(dialect="postgres")


def _text(document: dict, key: str, source: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value.strip():
        raise AreaItemRejected(source, f"{key} is missing: give it as text")
    return value.strip()


def parse_item(document: object, source: str, text: str = "") -> AreaItem:
    """Build an item from a parsed YAML document; raise AreaItemRejected when it is invalid."""
    if not isinstance(document, dict):
        raise AreaItemRejected(
            source, "the file must be a YAML mapping with name, title_th, area_type and sql"
        )
    name = _text(document, "name", source)
    if not NAME_PATTERN.match(name):
        raise AreaItemRejected(source, f"invalid name {name!r}: use 3-63 lower-case letters, digits and _")
    area_type = _text(document, "area_type", source)
    if area_type not in AREA_TYPES:
        raise AreaItemRejected(
            source, f"invalid area_type {area_type!r}: expected one of {', '.join(AREA_TYPES)}"
        )
    areas = document.get("areas", "all")
    if areas == "all":
        area_codes = None
    elif isinstance(areas, list) and areas and all(isinstance(code, str | int) for code in areas):
        area_codes = tuple(str(code) for code in areas)
    else:
        raise AreaItemRejected(
            source, "areas must be 'all' or a list of area codes, for example ['50', '51']"
        )
    timeout = document.get("timeout_seconds", DEFAULT_TIMEOUT_SECONDS)
    if not isinstance(timeout, int) or not 1 <= timeout <= MAX_TIMEOUT_SECONDS:
        raise AreaItemRejected(
            source, f"timeout_seconds must be a whole number from 1 to {MAX_TIMEOUT_SECONDS}"
        )
    checked = check_query(_text(document, "sql", source), source)
    return AreaItem(
        name=name,
        title_th=_text(document, "title_th", source),
        description_th=_text(document, "description_th", source),
        office=str(document.get("office", "provincial_office")),
        area_type=area_type,
        areas=area_codes,
        sql=checked,
        timeout_seconds=timeout,
        source=source,
        definition_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )


def load_item(path: Path) -> AreaItem:
    """Read and check one definition file; raise AreaItemRejected when it is invalid."""
    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise AreaItemRejected(path.name, f"invalid YAML: {str(error).splitlines()[0]}") from None
    item = parse_item(document, path.name, text)
    if item.name != path.stem:
        raise AreaItemRejected(
            path.name, f"name {item.name!r} differs from the file name; name the file {item.name}.yaml"
        )
    return item


def load_items(items_dir: Path | None = None) -> tuple[list[AreaItem], list[AreaItemRejected]]:
    """Return the valid definitions of a folder and the rejections of the others, by file name."""
    items, rejected = [], []
    for path in sorted((items_dir or ITEMS_DIR).glob("*.yaml")):
        try:
            items.append(load_item(path))
        except AreaItemRejected as rejection:
            rejected.append(rejection)
    return items, rejected

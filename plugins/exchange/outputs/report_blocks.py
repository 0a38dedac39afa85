"""The building blocks of the documents the plan hands out (the ministry report, the statistics
yearbook, the submission summaries): headings, paragraphs, tables, charts and page breaks. They are
rendered as HTML by report_render.py and as PDF by pdf_render.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from exchange.outputs import charts


@dataclass(frozen=True)
class Heading:
    text: str
    # 1 for a chapter (a new page in a document with a table of contents), 2 for a section, 3 below.
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Share of the width per column; numbers align right when the column is numeric.
    widths: tuple[float, ...]
    numeric: tuple[bool, ...]


@dataclass(frozen=True)
class Chart:
    chart: charts.BarChart


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Chart | PageBreak

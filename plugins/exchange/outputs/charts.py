"""Horizontal bar charts laid out once and drawn as SVG (for the HTML report) or into a PDF page.

The layout measures text with the report's font (Sarabun), so labels fit the same way in both.
Coordinates are in points with the origin at the top left and y growing downwards, as in SVG;
the PDF writer flips them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from exchange.outputs.fonts import FontMetrics

PALETTE = ("#1f5fa8", "#f0a202", "#c0392b", "#2e8b57", "#7d3c98", "#7f8c8d", "#17a2b8")
LABEL_SIZE = 9.0
TITLE_SIZE = 11.0
BAR_HEIGHT = 12.0
BAR_GAP = 6.0


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class BarChart:
    """Bars per category; several series are drawn side by side, or end to end when stacked."""

    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    percent: bool = False


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float
    color: str


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    size: float
    anchor: str = "start"  # start, middle or end, as in SVG's text-anchor
    bold: bool = False
    color: str = "#222222"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    color: str = "#999999"


@dataclass
class Drawing:
    width: float
    height: float
    shapes: list = field(default_factory=list)


def _format(value: float, percent: bool) -> str:
    if percent:
        return f"{value:.1f}%"
    return f"{value:,.0f}"


def layout(chart: BarChart, width: float, font: FontMetrics) -> Drawing:
    """Place the title, legend, category labels, bars and value labels of a chart."""
    shapes: list = [Text(0, TITLE_SIZE, chart.title, TITLE_SIZE, bold=True)]
    y = TITLE_SIZE + 8

    # A legend, when there is more than one series.
    if len(chart.series) > 1:
        x = 0.0
        for index, series in enumerate(chart.series):
            shapes.append(Rect(x, y, 9, 9, PALETTE[index % len(PALETTE)]))
            shapes.append(Text(x + 12, y + 8, series.name, LABEL_SIZE))
            x += 24 + font.text_width(series.name, LABEL_SIZE)
        y += 16

    label_width = max((font.text_width(name, LABEL_SIZE) for name in chart.categories), default=0) + 8
    value_room = font.text_width(_format(_largest(chart), chart.percent), LABEL_SIZE) + 8
    plot_left = label_width
    plot_width = max(width - label_width - value_room, 40)
    scale = plot_width / (_largest(chart) or 1)
    rows_per_category = 1 if chart.stacked else max(len(chart.series), 1)
    top = y

    for index, category in enumerate(chart.categories):
        block = rows_per_category * BAR_HEIGHT
        shapes.append(Text(plot_left - 6, y + block / 2 + LABEL_SIZE / 3, category, LABEL_SIZE, anchor="end"))
        x = plot_left
        for series_index, series in enumerate(chart.series):
            value = series.values[index]
            bar_y = y if chart.stacked else y + series_index * BAR_HEIGHT
            bar_width = value * scale
            if bar_width > 0:
                color = PALETTE[series_index % len(PALETTE)]
                shapes.append(
                    Rect(x if chart.stacked else plot_left, bar_y + 1, bar_width, BAR_HEIGHT - 2, color)
                )
            if chart.stacked:
                x += bar_width
            else:
                shapes.append(
                    Text(
                        plot_left + bar_width + 3,
                        bar_y + BAR_HEIGHT - 3,
                        _format(value, chart.percent),
                        LABEL_SIZE - 1,
                    )
                )
        if chart.stacked:
            total = sum(series.values[index] for series in chart.series)
            shapes.append(Text(x + 3, y + BAR_HEIGHT - 3, _format(total, chart.percent), LABEL_SIZE - 1))
        y += block + BAR_GAP
    shapes.append(Line(plot_left, top - 2, plot_left, y - BAR_GAP + 2))
    return Drawing(width, y, shapes)


def _largest(chart: BarChart) -> float:
    if not chart.categories or not chart.series:
        return 0
    if chart.stacked:
        return max(
            sum(series.values[index] for series in chart.series) for index in range(len(chart.categories))
        )
    return max(max(series.values) for series in chart.series)


def to_svg(drawing: Drawing, font_family: str) -> str:
    """Return the drawing as an inline SVG element."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{drawing.width:.0f}" '
        f'height="{drawing.height:.0f}" viewBox="0 0 {drawing.width:.1f} {drawing.height:.1f}" '
        f'font-family="{html.escape(font_family)}">'
    ]
    for shape in drawing.shapes:
        if isinstance(shape, Rect):
            parts.append(
                f'<rect x="{shape.x:.1f}" y="{shape.y:.1f}" width="{shape.width:.1f}" '
                f'height="{shape.height:.1f}" fill="{shape.color}"/>'
            )
        elif isinstance(shape, Line):
            parts.append(
                f'<line x1="{shape.x1:.1f}" y1="{shape.y1:.1f}" x2="{shape.x2:.1f}" '
                f'y2="{shape.y2:.1f}" stroke="{shape.color}"/>'
            )
        else:
            weight = ' font-weight="bold"' if shape.bold else ""
            parts.append(
                f'<text x="{shape.x:.1f}" y="{shape.y:.1f}" font-size="{shape.size:.1f}" '
                f'text-anchor="{shape.anchor}" fill="{shape.color}"{weight}>'
                f"{html.escape(shape.text)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)

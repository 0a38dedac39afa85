"""Renders the ministry report's blocks (headings, paragraphs, tables, charts) as one self-contained
HTML file, in the Sarabun font shipped under include/fonts/. The PDF form is in pdf_render.py.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from exchange.outputs import charts
from exchange.outputs.fonts import BOLD, FONT_FAMILY, REGULAR, regular_metrics
from exchange.outputs.pdf_render import render_pdf
from exchange.outputs.report_blocks import Block, Chart, Heading, PageBreak, Paragraph, Table

__all__ = ["Block", "Chart", "Heading", "PageBreak", "Paragraph", "Table", "render_html", "render_pdf"]

CHART_WIDTH = 480.0


def _font_face(path: Path, weight: str) -> str:
    encoded = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f"@font-face {{ font-family: '{FONT_FAMILY}'; font-weight: {weight}; "
        f"src: url(data:font/ttf;base64,{encoded}) format('truetype'); }}"
    )


def render_html(title: str, blocks: list[Block]) -> str:
    """Return the report as one HTML document with the fonts and SVG charts inline."""
    style = "\n".join(
        [
            _font_face(REGULAR, "normal"),
            _font_face(BOLD, "bold"),
            f"body {{ font-family: '{FONT_FAMILY}', sans-serif; max-width: 60em; margin: 2em auto; "
            "color: #222; }",
            "table { border-collapse: collapse; margin: 0.5em 0 1.5em; }",
            "th, td { border-bottom: 1px solid #ddd; padding: 0.2em 0.6em; text-align: left; }",
            "td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }",
            "figure { margin: 1em 0; }",
        ]
    )
    parts = [
        "<!DOCTYPE html>",
        '<html lang="th"><head><meta charset="utf-8">',
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>",
        f"<h1>{html.escape(title)}</h1>",
    ]
    for block in blocks:
        if isinstance(block, Heading):
            parts.append(f"<h{block.level}>{html.escape(block.text)}</h{block.level}>")
        elif isinstance(block, Paragraph):
            parts.append(f"<p>{html.escape(block.text)}</p>")
        elif isinstance(block, Table):
            parts.append("<table><thead><tr>")
            parts += [
                f'<th class="number">{html.escape(name)}</th>' if numeric else f"<th>{html.escape(name)}</th>"
                for name, numeric in zip(block.header, block.numeric, strict=True)
            ]
            parts.append("</tr></thead><tbody>")
            for row in block.rows:
                cells = [
                    f'<td class="number">{html.escape(value)}</td>'
                    if numeric
                    else f"<td>{html.escape(value)}</td>"
                    for value, numeric in zip(row, block.numeric, strict=True)
                ]
                parts.append("<tr>" + "".join(cells) + "</tr>")
            parts.append("</tbody></table>")
        elif isinstance(block, Chart):
            drawing = charts.layout(block.chart, CHART_WIDTH, regular_metrics())
            parts.append(f"<figure>{charts.to_svg(drawing, FONT_FAMILY)}</figure>")
    parts.append("</body></html>")
    return "\n".join(parts)

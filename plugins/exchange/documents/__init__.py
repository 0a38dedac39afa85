"""The plan's documents: submission summaries, area data items and area statistics, and the
statistics yearbook of the previous year.

The DAGs call these with `out_dir = settings.output_root() / <year> / <term>`.
"""

from exchange.documents.area_item_run import compute_area_items
from exchange.documents.area_open_data import publish_area_open_data
from exchange.documents.area_statistics import load_inspection_zones, refresh_area_statistics
from exchange.documents.summaries import agency_summaries, school_provinces, school_summaries
from exchange.documents.summary_render import (
    write_agency_summaries,
    write_school_summaries,
    write_submission_summaries,
)
from exchange.documents.yearbook import write_yearbook

__all__ = [
    "agency_summaries",
    "compute_area_items",
    "load_inspection_zones",
    "publish_area_open_data",
    "refresh_area_statistics",
    "school_provinces",
    "school_summaries",
    "write_agency_summaries",
    "write_school_summaries",
    "write_submission_summaries",
    "write_yearbook",
]

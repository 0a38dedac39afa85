"""The outputs of the plan: the Budget Bureau's counts, statistics, the office ranking, the report
to the committee and the Minister, the open data, and the monthly refresh.

The DAGs call these with `out_dir = settings.output_root() / <year> / <term>`.
"""

from exchange.outputs.budget import export_budget
from exchange.outputs.monthly import monthly_refresh
from exchange.outputs.open_data import publish_open_data
from exchange.outputs.ranking import rank_offices
from exchange.outputs.report import write_ministry_report
from exchange.outputs.statistics import refresh_statistics

__all__ = [
    "export_budget",
    "monthly_refresh",
    "publish_open_data",
    "rank_offices",
    "refresh_statistics",
    "write_ministry_report",
]

"""Runs a suite through Great Expectations' SQL data source against a submission's frame table.

The context is ephemeral: suites, assets and checkpoints live in memory, and nothing is written
into the repository. When a Data Docs folder is given, validation results are kept as JSON under
`<folder>/validation_results/`, and `build_docs` renders the new ones as HTML into `<folder>/`
with an index of every run kept there. Results are requested in the BASIC format with no partial
unexpected values, so neither the results nor the HTML carry a personal value from the data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from exchange.rules.suites import RuleExpectation, Suite
from exchange.warehouse import ServerAddress

log = logging.getLogger(__name__)

DATASOURCE = "warehouse"
SITE = "term_site"
# BASIC gives each expectation's unexpected count. A partial list of 0 values turns the query for
# example values into a LIMIT 0 query, so a passing expectation costs no second scan.
RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 0}


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: RuleExpectation
    success: bool
    unexpected_count: int


class ExpectationFailedToRun(RuntimeError):
    """Great Expectations could not evaluate an expectation (for example, an SQL error)."""


def _context_config(docs_dir: Path | None):
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults()
    config = DataContextConfig(
        store_backend_defaults=defaults,
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    if docs_dir is not None:
        config.stores[defaults.validation_results_store_name] = {
            "class_name": "ValidationResultsStore",
            "store_backend": {
                "class_name": "TupleFilesystemStoreBackend",
                "base_directory": str(docs_dir / "validation_results"),
            },
        }
        config.data_docs_sites = {
            SITE: {
                "class_name": "SiteBuilder",
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        }
    return config


def _raised(exception_info: dict | None) -> str | None:
    """Return the first exception message in a result's exception_info, in either of its shapes."""
    if not exception_info:
        return None
    entries = [exception_info] if "raised_exception" in exception_info else list(exception_info.values())
    for entry in entries:
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return str(entry.get("exception_message") or "unknown error")
    return None


class GreatExpectationsRunner:
    """One ephemeral Great Expectations context with the warehouse as its PostgreSQL data source."""

    def __init__(self, address: ServerAddress, docs_dir: Path | None = None):
        import great_expectations as gx

        import exchange.rules.expectations  # noqa: F401  registers the custom expectation types

        self.docs_dir = docs_dir
        if docs_dir is not None:
            docs_dir.mkdir(parents=True, exist_ok=True)
        self.context = gx.get_context(mode="ephemeral", project_config=_context_config(docs_dir))
        self.datasource = self.context.data_sources.add_postgres(
            name=DATASOURCE, connection_string=address.sqlalchemy_url()
        )
        self._suites: dict[tuple, object] = {}
        self._unrendered: list = []

    def _gx_suite(self, suite: Suite, expectations: tuple[RuleExpectation, ...]):
        import great_expectations as gx

        key = (suite.name, suite.sha256, tuple(expectation.index for expectation in expectations))
        if key not in self._suites:
            name = suite.name if len(expectations) == len(suite.expectations) else f"{suite.name}_subset"
            existing = [candidate for candidate in self.context.suites.all() if candidate.name == name]
            for candidate in existing:
                self.context.suites.delete(candidate.name)
            gx_suite = gx.ExpectationSuite(name=name, expectations=[item.to_gx() for item in expectations])
            if len(gx_suite.expectations) != len(expectations):
                raise ValueError(
                    f"{suite.path}: Great Expectations accepted {len(gx_suite.expectations)} of "
                    f"{len(expectations)} expectations; see its log for the invalid ones"
                )
            self._suites[key] = self.context.suites.add(gx_suite)
        return self._suites[key]

    def validate(
        self,
        suite: Suite,
        expectations: tuple[RuleExpectation, ...],
        frame_table: str,
        asset_name: str,
        parameters: dict,
    ) -> list[ExpectationOutcome]:
        """Validate the frame table with the given expectations and return one outcome each.

        Raises ExpectationFailedToRun when Great Expectations could not evaluate an expectation,
        because issue rows written around a broken rule would be wrong.
        """
        import great_expectations as gx
        from great_expectations.core.run_identifier import RunIdentifier

        gx_suite = self._gx_suite(suite, expectations)
        by_id = {
            gx_expectation.id: item
            for gx_expectation, item in zip(gx_suite.expectations, expectations, strict=True)
        }
        asset = self.datasource.add_table_asset(
            name=asset_name, table_name=frame_table, schema_name="quality"
        )
        try:
            batch_definition = asset.add_batch_definition_whole_table("submission")
            definition = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=asset_name, data=batch_definition, suite=gx_suite)
            )
            checkpoint = self.context.checkpoints.add(
                gx.Checkpoint(
                    name=asset_name, validation_definitions=[definition], result_format=RESULT_FORMAT
                )
            )
            result = checkpoint.run(
                expectation_parameters=parameters, run_id=RunIdentifier(run_name=asset_name)
            )
        finally:
            self._forget(asset_name)
        self._unrendered.extend(result.run_results)
        outcomes = []
        for validation in result.run_results.values():
            for item in validation.results:
                expectation = by_id[item.expectation_config.id]
                error = _raised(item.exception_info)
                if error:
                    raise ExpectationFailedToRun(
                        f"{suite.path}: expectation {expectation.index + 1} ({expectation.type}, rule "
                        f"{expectation.rule_id}) failed to run: {error}"
                    )
                count = int((item.result or {}).get("unexpected_count") or 0)
                outcomes.append(ExpectationOutcome(expectation, bool(item.success), count))
        if len(outcomes) != len(expectations):
            raise ExpectationFailedToRun(
                f"{suite.path}: Great Expectations returned {len(outcomes)} results for "
                f"{len(expectations)} expectations"
            )
        return outcomes

    def _forget(self, name: str) -> None:
        """Remove a submission's checkpoint, validation definition and asset from the context."""
        for store in (self.context.checkpoints, self.context.validation_definitions):
            try:
                store.delete(name)
            except Exception:  # noqa: BLE001 - absent after a failure before it was added
                log.debug("No %s named %s to remove", type(store).__name__, name)
        try:
            self.datasource.delete_asset(name)
        except LookupError:
            log.debug("No asset named %s to remove", name)

    def build_docs(self) -> Path | None:
        """Render the validation results not yet rendered, rebuild the index and return its path.

        Rendering once per batch of validations keeps a term's run linear: the index page reads
        every result kept in the folder each time it is built.
        """
        if self.docs_dir is None:
            return None
        if self._unrendered:
            from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

            suites = [
                ExpectationSuiteIdentifier(name=key.expectation_suite_identifier.name)
                for key in self._unrendered
            ]
            self.context.build_data_docs(site_names=[SITE], resource_identifiers=[*self._unrendered, *suites])
            log.info(
                "Rendered %s validation results into Data Docs at %s", len(self._unrendered), self.docs_dir
            )
            self._unrendered = []
        return self.index_page()

    def close(self) -> None:
        """Close the data source's database connections."""
        self.datasource.get_engine().dispose()

    def index_page(self) -> Path | None:
        return self.docs_dir / "index.html" if self.docs_dir else None

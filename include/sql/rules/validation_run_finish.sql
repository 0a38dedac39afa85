-- Records the end of a validation run: whether every expectation passed, the counts, the Data
-- Docs page and the per-expectation detail. Parameters: success, evaluated, failed, issues_open,
-- issues_resolved, data_docs_path, detail (JSON), run_id.
UPDATE quality.validation_run
SET finished_at = clock_timestamp(), success = %(success)s, expectations_evaluated = %(evaluated)s,
    expectations_failed = %(failed)s, issues_open = %(issues_open)s, issues_resolved = %(issues_resolved)s,
    data_docs_path = %(data_docs_path)s, detail = %(detail)s
WHERE run_id = %(run_id)s

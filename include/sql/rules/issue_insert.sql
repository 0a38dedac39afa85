-- Writes one issue row per failing record, column and rule of one validation run, reading the
-- submission's frame table once: the inner query keeps the rows that fail any of the run's failing
-- expectations, and the VALUES list contains (column, rule, severity, failed) per expectation. A row
-- found again by a later run keeps its issue_id and detected_at and is opened again. Every
-- placeholder in braces is filled with psycopg2.sql (identifiers and literals), so the statement runs
-- without query parameters.
INSERT INTO quality.issue (submission_id, run_id, source_row, column_name, rule_id, severity)
SELECT DISTINCT {submission_id}, {run_id}, frame.source_row, finding.column_name, finding.rule_id,
       finding.severity
FROM (SELECT * FROM {frame} AS frame WHERE {prefilter}) AS frame
CROSS JOIN LATERAL (VALUES {findings}) AS finding (column_name, rule_id, severity, failed)
WHERE finding.failed
ON CONFLICT ON CONSTRAINT issue_once DO UPDATE
SET run_id = EXCLUDED.run_id, severity = EXCLUDED.severity, resolved_at = NULL

-- The open issue rows one validation run wrote or found again, per rule and column.
-- Parameters: run_id.
SELECT rule_id, column_name, count(*)
FROM quality.issue
WHERE run_id = %(run_id)s AND resolved_at IS NULL
GROUP BY rule_id, column_name

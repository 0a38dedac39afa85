-- A submission's open issues with the rule's wording in both languages, in the order of the file,
-- for the school's pre-check. Parameters: submission_id.
SELECT issue.source_row, issue.column_name, issue.rule_id, issue.severity,
       rule.message_th, rule.fix_th, rule.message_en, rule.fix_en
FROM quality.issue AS issue
JOIN quality.rule AS rule USING (rule_id)
WHERE issue.submission_id = %(submission_id)s AND issue.resolved_at IS NULL
ORDER BY issue.source_row, issue.column_name, issue.rule_id

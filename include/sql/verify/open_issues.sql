-- Open issues of the accepted submissions of one term, keyed as the generator's ground truth keys them.
SELECT submission.file_name, issue.source_row, issue.column_name, issue.rule_id, issue.severity
FROM quality.issue AS issue
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.academic_year = %(academic_year)s AND submission.term = %(term)s
  AND submission.status = 'accepted' AND issue.resolved_at IS NULL

-- Open issues of the accepted submissions of one term, per rule and severity.
SELECT issue.rule_id, issue.severity, count(*) AS issues, count(DISTINCT (issue.submission_id, issue.source_row)) AS rows
FROM quality.issue AS issue
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.academic_year = %(academic_year)s AND submission.term = %(term)s
  AND submission.status = 'accepted' AND issue.resolved_at IS NULL
GROUP BY issue.rule_id, issue.severity
ORDER BY issue.rule_id

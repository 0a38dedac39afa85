-- Open issues of the term's accepted submissions per agency, dataset, rule and severity, for the
-- ministry report. Parameters: academic_year, term.
SELECT submission.agency, submission.dataset, issue.rule_id, issue.severity,
       count(*)::integer AS issues,
       count(DISTINCT (issue.submission_id, issue.source_row))::integer AS records
FROM quality.issue AS issue
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.academic_year = %(academic_year)s
  AND submission.term = %(term)s
  AND submission.status = 'accepted'
  AND issue.resolved_at IS NULL
GROUP BY submission.agency, submission.dataset, issue.rule_id, issue.severity
ORDER BY submission.agency, submission.dataset, issue.rule_id, issue.severity;

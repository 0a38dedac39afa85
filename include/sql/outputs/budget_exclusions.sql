-- The term's student records that the counts leave out, per agency and reason, into
-- mart.budget_exclusion. Each open error-severity rule counts the records it flags, so a record
-- flagged by two rules counts under both. A record enrolled after the as-of date with no error
-- counts under 'enrolled_after_as_of'. Parameters: academic_year, term, as_of_date.
INSERT INTO mart.budget_exclusion (academic_year, term, agency, reason, rule_id, records)
SELECT %(academic_year)s, %(term)s, student.agency, 'error', issue.rule_id,
       count(DISTINCT (student.submission_id, student.source_row))
FROM core.current_students AS student
JOIN quality.issue AS issue
  ON issue.submission_id = student.submission_id AND issue.source_row = student.source_row
WHERE student.academic_year = %(academic_year)s
  AND student.term = %(term)s
  AND issue.severity = 'error'
  AND issue.resolved_at IS NULL
GROUP BY student.agency, issue.rule_id
UNION ALL
SELECT %(academic_year)s, %(term)s, student.agency, 'enrolled_after_as_of', NULL, count(*)
FROM core.current_students AS student
WHERE student.academic_year = %(academic_year)s
  AND student.term = %(term)s
  AND student.enrolment_date_value > %(as_of_date)s
  AND NOT EXISTS (
      SELECT 1 FROM quality.issue AS issue
      WHERE issue.submission_id = student.submission_id
        AND issue.source_row = student.source_row
        AND issue.severity = 'error'
        AND issue.resolved_at IS NULL
  )
GROUP BY student.agency;

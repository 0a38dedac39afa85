-- Open issues of the accepted submissions of a term per agency, dataset, rule and severity, with
-- the rule's Thai message and the records it concerns. `agency` NULL selects every agency.
-- Parameters: academic_year, term, agency.
SELECT issue.agency, issue.dataset, issue.rule_id, issue.severity, min(issue.message_th) AS message_th,
       count(*)::integer AS issues,
       count(DISTINCT issue.source_row)::integer AS records
FROM quality.open_issue AS issue
WHERE issue.academic_year = %(academic_year)s
  AND issue.term = %(term)s
  AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
GROUP BY issue.agency, issue.dataset, issue.rule_id, issue.severity
ORDER BY issue.agency, issue.dataset, issue.rule_id;

-- One agency's open issues in a term, counted per dataset, file, rule and severity, for the
-- summary sheet of its correction package. Parameters: academic_year, term, agency.
SELECT issue.dataset, issue.file_name, issue.rule_id, issue.severity, issue.message_th,
       count(*) AS issues, count(DISTINCT issue.source_row) AS records
FROM quality.open_issue AS issue
WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.agency = %(agency)s
GROUP BY issue.dataset, issue.file_name, issue.rule_id, issue.severity, issue.message_th
ORDER BY issue.dataset, issue.rule_id

-- Each agency's resolved and open issues and its correction rate in one term.
-- Parameters: academic_year, term.
SELECT agency, issues_resolved, issues_open, correction_rate
FROM quality.agency_correction
WHERE academic_year = %(academic_year)s AND term = %(term)s
ORDER BY agency

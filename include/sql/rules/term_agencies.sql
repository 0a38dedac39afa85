-- The agencies with an accepted submission in one term, which each get a correction package.
-- Parameters: academic_year, term.
SELECT DISTINCT agency
FROM intake.submission
WHERE academic_year = %(academic_year)s AND term = %(term)s AND status = 'accepted'
ORDER BY agency

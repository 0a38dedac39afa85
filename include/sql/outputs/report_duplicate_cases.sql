-- The term's duplicate cases per kind, level and status, for the ministry report.
-- Parameters: academic_year, term.
SELECT kind, coalesce(level, 'unknown') AS level, status, count(*)::integer AS cases
FROM dedup.duplicate_case
WHERE academic_year = %(academic_year)s AND term = %(term)s
GROUP BY kind, coalesce(level, 'unknown'), status
ORDER BY kind, level, status;

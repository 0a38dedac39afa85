-- Duplicate cases of one term per kind (exact, suspected) and routing level, closed ones left out.
SELECT kind, coalesce(level, 'unknown') AS level, count(*) AS cases
FROM dedup.duplicate_case
WHERE academic_year = %(academic_year)s AND term = %(term)s AND status <> 'closed'
GROUP BY kind, level
ORDER BY kind, level

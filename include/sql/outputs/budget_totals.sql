-- Totals of the term's budget counts for the manifest: per agency and gender, with the duplicates
-- counted once but not yet settled. Parameters: academic_year, term.
SELECT agency, gender, sum(students)::integer AS students,
       sum(unresolved_duplicate_count)::integer AS unresolved_duplicates,
       sum(suspected_duplicate_count)::integer AS suspected_duplicates
FROM mart.budget_count
WHERE academic_year = %(academic_year)s AND term = %(term)s
GROUP BY agency, gender
ORDER BY agency, gender NULLS LAST;

-- Exact duplicate cases of one term: the shared ID, the level, and the sorted school codes.
SELECT duplicate_case.case_id, duplicate_case.match_key, duplicate_case.level,
       array_agg(school.school_code ORDER BY school.school_code) AS schools
FROM dedup.duplicate_case
JOIN dedup.case_school AS school USING (case_id)
WHERE duplicate_case.academic_year = %(academic_year)s AND duplicate_case.term = %(term)s
  AND duplicate_case.kind = 'exact' AND duplicate_case.status <> 'closed'
GROUP BY duplicate_case.case_id, duplicate_case.match_key, duplicate_case.level

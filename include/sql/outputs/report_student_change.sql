-- Students of the term and the previous term nationally, per agency and per level, with Thai
-- names, for the ministry report. Parameters: academic_year, term.
SELECT change.scope, change.scope_code,
       coalesce(agency.name_th, level.level_th, change.scope_code) AS name_th,
       change.students, change.previous_students, change.change, change.change_percent
FROM mart.student_change AS change
LEFT JOIN reference.agency AS agency
  ON change.scope = 'agency' AND agency.agency = change.scope_code
LEFT JOIN (
    SELECT level, min(level_th) AS level_th, min(sort_order) AS sort_order FROM reference.grade GROUP BY level
) AS level ON change.scope = 'level' AND level.level = change.scope_code
WHERE change.academic_year = %(academic_year)s
  AND change.term = %(term)s
  AND change.scope IN ('national', 'agency', 'level')
ORDER BY change.scope, agency.affiliation_code, level.sort_order, change.scope_code;

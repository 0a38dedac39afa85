-- Students of the term against the previous term, nationally and per region, province, agency and
-- level, from mart.student_statistic, into mart.student_change. A scope present in only one of
-- the two terms counts 0 in the other. When the previous term has no statistics at all, its
-- columns stay NULL. Parameters: academic_year, term, previous_academic_year, previous_term.
INSERT INTO mart.student_change (
    academic_year, term, scope, scope_code, students, previous_academic_year, previous_term,
    previous_students, change, change_percent
)
WITH statistic AS (
    SELECT (academic_year = %(academic_year)s AND term = %(term)s) AS is_current, *
    FROM mart.student_statistic
    WHERE (academic_year = %(academic_year)s AND term = %(term)s)
       OR (academic_year = %(previous_academic_year)s AND term = %(previous_term)s)
),
scoped AS (
    SELECT is_current, 'national' AS scope, 'all' AS scope_code, sum(students) AS students
    FROM statistic GROUP BY is_current
    UNION ALL
    SELECT is_current, 'region', coalesce(region::text, 'unknown'), sum(students)
    FROM statistic GROUP BY is_current, region
    UNION ALL
    SELECT is_current, 'province', coalesce(province_code, 'unknown'), sum(students)
    FROM statistic GROUP BY is_current, province_code
    UNION ALL
    SELECT is_current, 'agency', agency, sum(students)
    FROM statistic GROUP BY is_current, agency
    UNION ALL
    SELECT is_current, 'level', coalesce(level, 'unknown'), sum(students)
    FROM statistic GROUP BY is_current, level
),
previous_present AS (
    SELECT EXISTS (SELECT 1 FROM statistic WHERE NOT is_current) AS present
),
compared AS (
    SELECT coalesce(current_scope.scope, previous_scope.scope) AS scope,
           coalesce(current_scope.scope_code, previous_scope.scope_code) AS scope_code,
           coalesce(current_scope.students, 0)::integer AS students,
           CASE WHEN previous_present.present THEN coalesce(previous_scope.students, 0)::integer END
               AS previous_students
    FROM (SELECT * FROM scoped WHERE is_current) AS current_scope
    FULL JOIN (SELECT * FROM scoped WHERE NOT is_current) AS previous_scope USING (scope, scope_code)
    CROSS JOIN previous_present
)
SELECT %(academic_year)s, %(term)s, scope, scope_code, students,
       %(previous_academic_year)s, %(previous_term)s, previous_students,
       students - previous_students,
       round(100.0 * (students - previous_students) / nullif(previous_students, 0), 2)
FROM compared;

-- Counted students of a term for the yearbook's national tables, as (table, row key, column key,
-- count): per level and gender, and per agency and level. A missing level is 'unknown', a gender
-- other than M and F is 'unknown'. Parameters: academic_year, term.
SELECT 'level_gender' AS table_name, coalesce(level, 'unknown') AS row_key,
       CASE WHEN gender IN ('M', 'F') THEN gender ELSE 'unknown' END AS column_key,
       sum(students)::integer AS students
FROM mart.student_statistic
WHERE academic_year = %(academic_year)s AND term = %(term)s
GROUP BY 2, 3
UNION ALL
SELECT 'agency_level', agency, coalesce(level, 'unknown'), sum(students)::integer
FROM mart.student_statistic
WHERE academic_year = %(academic_year)s AND term = %(term)s
GROUP BY 2, 3
ORDER BY 1, 2, 3;

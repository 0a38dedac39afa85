-- The counts behind the open-data tables of one term, as (table, row key, column key, count):
-- students per province and level, per province and agency, per school and gender, and schools
-- per province and size band. Unknown provinces, levels and genders get the key 'unknown'.
-- Parameters: academic_year, term.
WITH statistic AS (
    SELECT coalesce(province_code, 'unknown') AS province_code, coalesce(level, 'unknown') AS level,
           agency, students
    FROM mart.student_statistic
    WHERE academic_year = %(academic_year)s AND term = %(term)s
)
SELECT 'students_by_province_level' AS table_name, province_code AS row_key, level AS column_key,
       sum(students)::integer AS count
FROM statistic GROUP BY province_code, level
UNION ALL
SELECT 'students_by_province_agency', province_code, agency, sum(students)::integer
FROM statistic GROUP BY province_code, agency
UNION ALL
SELECT 'students_by_school_gender', school_code,
       CASE gender WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' ELSE 'gender_unknown' END,
       sum(students)::integer
FROM mart.school_statistic
WHERE academic_year = %(academic_year)s AND term = %(term)s
GROUP BY school_code, 3
UNION ALL
SELECT 'schools_by_province_size_band', coalesce(province_code, 'unknown'), size_band, count(*)::integer
FROM mart.school_size
WHERE academic_year = %(academic_year)s AND term = %(term)s
GROUP BY coalesce(province_code, 'unknown'), size_band
ORDER BY 1, 2, 3;

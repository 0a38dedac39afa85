-- Counted students of the term nationally and per region, inspection zone and province of the
-- school, level and gender, into mart.area_student_statistic. An unknown area, level or gender gets
-- the code 'unknown'. Needs counted_student and term_school. Parameters: academic_year, term.
INSERT INTO mart.area_student_statistic (academic_year, term, area_type, area_code, level, gender, students)
WITH statistic AS (
    SELECT coalesce(school.region::text, 'unknown') AS region,
           coalesce(zone.inspection_zone, 'unknown') AS inspection_zone,
           coalesce(school.province_code, 'unknown') AS province_code,
           coalesce(grade.level, 'unknown') AS level,
           CASE WHEN counted.gender IN ('M', 'F') THEN counted.gender ELSE 'unknown' END AS gender,
           count(*) AS students
    FROM counted_student AS counted
    JOIN term_school AS school USING (school_code)
    LEFT JOIN reference.grade AS grade USING (grade)
    LEFT JOIN reference.inspection_zone AS zone ON zone.province_code = school.province_code
    GROUP BY 1, 2, 3, 4, 5
)
SELECT %(academic_year)s, %(term)s, 'national', 'all', level, gender, sum(students)::integer
FROM statistic GROUP BY level, gender
UNION ALL
SELECT %(academic_year)s, %(term)s, 'region', region, level, gender, sum(students)::integer
FROM statistic GROUP BY region, level, gender
UNION ALL
SELECT %(academic_year)s, %(term)s, 'inspection_zone', inspection_zone, level, gender, sum(students)::integer
FROM statistic GROUP BY inspection_zone, level, gender
UNION ALL
SELECT %(academic_year)s, %(term)s, 'province', province_code, level, gender, sum(students)::integer
FROM statistic GROUP BY province_code, level, gender;

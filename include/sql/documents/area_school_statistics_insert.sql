-- Schools, size bands and teachers of the term nationally and per region, inspection zone and
-- province, into mart.area_school_statistic, from mart.school_profile. Students per teacher cover
-- the schools with at least one counted student and one teacher, as mart.teacher_ratio does.
-- Parameters: academic_year, term.
INSERT INTO mart.area_school_statistic (
    academic_year, term, area_type, area_code, schools, schools_without_students, small_schools,
    students, staffed_students, teachers, students_per_teacher
)
WITH school AS (
    SELECT coalesce(province.region::text, 'unknown') AS region,
           coalesce(zone.inspection_zone, 'unknown') AS inspection_zone,
           coalesce(profile.province_code, 'unknown') AS province_code,
           profile.size_band, profile.students, profile.teachers,
           profile.students > 0 AND profile.teachers > 0 AS staffed
    FROM mart.school_profile AS profile
    LEFT JOIN reference.province AS province USING (province_code)
    LEFT JOIN reference.inspection_zone AS zone USING (province_code)
    WHERE profile.academic_year = %(academic_year)s AND profile.term = %(term)s
),
area AS (
    SELECT 'national' AS area_type, 'all' AS area_code, school.* FROM school
    UNION ALL
    SELECT 'region', region, school.* FROM school
    UNION ALL
    SELECT 'inspection_zone', inspection_zone, school.* FROM school
    UNION ALL
    SELECT 'province', province_code, school.* FROM school
)
SELECT %(academic_year)s, %(term)s, area_type, area_code,
       count(*)::integer,
       count(*) FILTER (WHERE size_band = 'no_students')::integer,
       count(*) FILTER (WHERE size_band = 'small')::integer,
       sum(students)::integer,
       coalesce(sum(students) FILTER (WHERE staffed), 0)::integer,
       coalesce(sum(teachers) FILTER (WHERE staffed), 0)::integer,
       round(sum(students) FILTER (WHERE staffed)::numeric / nullif(sum(teachers) FILTER (WHERE staffed), 0), 2)
FROM area
GROUP BY area_type, area_code;

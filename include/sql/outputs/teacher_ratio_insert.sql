-- Students per teacher of the term, per school and, over the schools with at least one student
-- and one teacher, per province, agency and the whole country, into mart.teacher_ratio. Needs
-- counted_student, term_school and school_teacher. Parameters: academic_year, term.
INSERT INTO mart.teacher_ratio (academic_year, term, scope, scope_code, students, teachers, students_per_teacher)
WITH school_students AS (
    SELECT school_code, count(*)::integer AS students FROM counted_student GROUP BY school_code
),
per_school AS (
    SELECT school.school_code, school.province_code, school.agency,
           coalesce(school_students.students, 0) AS students,
           coalesce(school_teacher.teachers, 0) AS teachers
    FROM term_school AS school
    LEFT JOIN school_students USING (school_code)
    LEFT JOIN school_teacher USING (school_code)
    WHERE school_students.students IS NOT NULL OR school_teacher.teachers IS NOT NULL
),
staffed AS (
    SELECT * FROM per_school WHERE students > 0 AND teachers > 0
),
scoped AS (
    SELECT 'school' AS scope, school_code AS scope_code, students, teachers FROM per_school
    UNION ALL
    SELECT 'province', coalesce(province_code, 'unknown'), sum(students), sum(teachers)
    FROM staffed GROUP BY province_code
    UNION ALL
    SELECT 'agency', coalesce(agency, 'unknown'), sum(students), sum(teachers)
    FROM staffed GROUP BY agency
    UNION ALL
    SELECT 'national', 'all', coalesce(sum(students), 0), coalesce(sum(teachers), 0)
    FROM staffed
)
SELECT %(academic_year)s, %(term)s, scope, scope_code, students, teachers,
       round(students::numeric / nullif(teachers, 0), 2)
FROM scoped;

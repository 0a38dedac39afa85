-- The students rules as one hand-written query, for comparison with a validation run: the number
-- of rows that break each rule, computed from core.students with the same joins and SQL
-- functions the suite's frame uses. The personal ID's kind (format and check digit) is computed
-- once per row: OFFSET 0 keeps the planner from copying the call into each rule that reads it.
-- Parameters: submission_id, academic_year, term, age_reference_date.
WITH grade_birth_dates AS (
    SELECT grade,
           (%(age_reference_date)s::date - make_interval(years => max_age + 1))::date + 1 AS birth_date_from,
           (%(age_reference_date)s::date - make_interval(years => min_age))::date AS birth_date_to
    FROM reference.grade
),
repeated AS (
    SELECT school_code, personal_id, min(source_row) AS first_row
    FROM core.students
    WHERE submission_id = %(submission_id)s AND school_code IS NOT NULL AND personal_id IS NOT NULL
    GROUP BY school_code, personal_id
    HAVING count(*) > 1
),
listed AS (
    SELECT DISTINCT school_code
    FROM core.current_schools
    WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
)
SELECT count(*) FILTER (WHERE student.school_code IS NULL) AS "STU-001",
       count(*) FILTER (WHERE student.personal_id IS NULL) AS "STU-002",
       count(*) FILTER (WHERE student.first_name IS NULL) AS "STU-003",
       count(*) FILTER (WHERE student.last_name IS NULL) AS "STU-004",
       count(*) FILTER (WHERE student.gender IS NULL OR student.gender NOT IN ('M', 'F')) AS "STU-005",
       count(*) FILTER (WHERE student.birth_date_value IS NULL) AS "STU-006",
       count(*) FILTER (WHERE student.grade IS NULL OR grade.grade IS NULL) AS "STU-007",
       count(*) FILTER (WHERE id.kind = 'unrecognised') AS "STU-010",
       count(*) FILTER (WHERE id.kind = 'thai_id_wrong_check_digit') AS "STU-011",
       count(*) FILTER (WHERE student.school_code IS NOT NULL AND listed.school_code IS NULL) AS "STU-012",
       count(*) FILTER (
           WHERE student.birth_date_value NOT BETWEEN grade.birth_date_from AND grade.birth_date_to
       ) AS "STU-013",
       count(*) FILTER (WHERE student.source_row > repeated.first_row) AS "STU-014"
FROM core.students AS student
CROSS JOIN LATERAL (SELECT quality.personal_id_kind(student.personal_id) AS kind OFFSET 0) AS id
LEFT JOIN grade_birth_dates AS grade ON grade.grade = student.grade
LEFT JOIN listed ON listed.school_code = student.school_code
LEFT JOIN repeated
    ON repeated.school_code = student.school_code AND repeated.personal_id = student.personal_id
WHERE student.submission_id = %(submission_id)s

-- One students submission as its suite reads it. Besides the submission's rows, it has the kind
-- of each personal ID, the birth dates the row's grade accepts, and the earlier row of a
-- personal ID repeated at one school. A grade accepts ages min_age to max_age in full years on
-- the age reference date R. Those are the birth dates from R - (max_age + 1) years + 1 day to
-- R - min_age years, exactly so for any R but 29 February.
-- Parameters: submission_id, age_reference_date.
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
)
SELECT student.source_row, student.school_code, student.personal_id,
       quality.personal_id_kind(student.personal_id) AS personal_id_kind, student.first_name,
       student.last_name, student.gender, student.birth_date_value, student.grade,
       grade.birth_date_from AS grade_birth_date_from,
       grade.birth_date_to AS grade_birth_date_to,
       nullif(repeated.first_row, student.source_row) AS duplicate_of_row
FROM core.students AS student
LEFT JOIN grade_birth_dates AS grade ON grade.grade = student.grade
LEFT JOIN repeated
    ON repeated.school_code = student.school_code AND repeated.personal_id = student.personal_id
WHERE student.submission_id = %(submission_id)s

-- One teachers submission as its suite reads it. Besides the submission's rows, it has the kind
-- of each personal ID and the earlier row of a personal ID repeated in the agency's file, at any
-- school. Parameters: submission_id.
WITH repeated AS (
    SELECT personal_id, min(source_row) AS first_row
    FROM core.teachers
    WHERE submission_id = %(submission_id)s AND personal_id IS NOT NULL
    GROUP BY personal_id
    HAVING count(*) > 1
)
SELECT teacher.source_row, teacher.school_code, teacher.personal_id,
       quality.personal_id_kind(teacher.personal_id) AS personal_id_kind, teacher.first_name,
       teacher.last_name, teacher.gender, teacher.birth_date_value, teacher.position,
       nullif(repeated.first_row, teacher.source_row) AS duplicate_of_row
FROM core.teachers AS teacher
LEFT JOIN repeated ON repeated.personal_id = teacher.personal_id
WHERE teacher.submission_id = %(submission_id)s

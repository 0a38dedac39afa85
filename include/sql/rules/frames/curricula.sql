-- One curricula submission as its suite reads it. Besides the submission's rows, it has the
-- earlier row of a curriculum code repeated for one school. Parameters: submission_id.
WITH repeated AS (
    SELECT school_code, curriculum_code, min(source_row) AS first_row
    FROM core.curricula
    WHERE submission_id = %(submission_id)s AND school_code IS NOT NULL AND curriculum_code IS NOT NULL
    GROUP BY school_code, curriculum_code
    HAVING count(*) > 1
)
SELECT curriculum.source_row, curriculum.school_code, curriculum.curriculum_code,
       curriculum.curriculum_name, curriculum.education_level,
       nullif(repeated.first_row, curriculum.source_row) AS duplicate_of_row
FROM core.curricula AS curriculum
LEFT JOIN repeated
    ON repeated.school_code = curriculum.school_code AND repeated.curriculum_code = curriculum.curriculum_code
WHERE curriculum.submission_id = %(submission_id)s

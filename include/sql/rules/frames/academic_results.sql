-- One academic-results submission as its suite reads it. Besides the submission's rows, it has
-- the kind of each personal ID, the result year and grade point average as numbers when they
-- are written as numbers, and the earlier row of a student and grade repeated at one school.
-- Parameters: submission_id.
WITH repeated AS (
    SELECT school_code, personal_id, grade, min(source_row) AS first_row
    FROM core.academic_results
    WHERE submission_id = %(submission_id)s
      AND school_code IS NOT NULL AND personal_id IS NOT NULL AND grade IS NOT NULL
    GROUP BY school_code, personal_id, grade
    HAVING count(*) > 1
)
SELECT result.source_row, result.school_code, result.personal_id,
       quality.personal_id_kind(result.personal_id) AS personal_id_kind, result.result_year, result.grade,
       result.gpa,
       CASE WHEN result.result_year ~ '^\d{4}$' THEN result.result_year::integer END AS result_year_number,
       CASE WHEN result.gpa ~ '^\d+(\.\d+)?$' THEN result.gpa::numeric END AS gpa_number,
       nullif(repeated.first_row, result.source_row) AS duplicate_of_row
FROM core.academic_results AS result
LEFT JOIN repeated
    ON repeated.school_code = result.school_code AND repeated.personal_id = result.personal_id
   AND repeated.grade = result.grade
WHERE result.submission_id = %(submission_id)s

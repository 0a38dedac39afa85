-- One graduates submission as its suite reads it. Besides the submission's rows, it has the kind
-- of each personal ID, the birth date text when it is given but is not a date, the graduation
-- year as a number when it is four digits, and the earlier row of a personal ID repeated at one
-- school. Parameters: submission_id.
WITH repeated AS (
    SELECT school_code, personal_id, min(source_row) AS first_row
    FROM core.graduates
    WHERE submission_id = %(submission_id)s AND school_code IS NOT NULL AND personal_id IS NOT NULL
    GROUP BY school_code, personal_id
    HAVING count(*) > 1
)
SELECT graduate.source_row, graduate.school_code, graduate.personal_id,
       quality.personal_id_kind(graduate.personal_id) AS personal_id_kind, graduate.first_name,
       graduate.last_name, graduate.gender, graduate.grade_completed, graduate.graduation_year,
       CASE WHEN graduate.graduation_year ~ '^\d{4}$' THEN graduate.graduation_year::integer END
           AS graduation_year_number,
       CASE WHEN graduate.birth_date_value IS NULL THEN graduate.birth_date END AS birth_date_unreadable,
       nullif(repeated.first_row, graduate.source_row) AS duplicate_of_row
FROM core.graduates AS graduate
LEFT JOIN repeated
    ON repeated.school_code = graduate.school_code AND repeated.personal_id = graduate.personal_id
WHERE graduate.submission_id = %(submission_id)s

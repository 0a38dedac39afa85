-- One other-personnel submission as its suite reads it. Besides the submission's rows, it has
-- the kind of each personal ID, the birth date text when it is given but is not a date, and the
-- earlier row of a personal ID repeated in the agency's file. Parameters: submission_id.
WITH repeated AS (
    SELECT personal_id, min(source_row) AS first_row
    FROM core.other_personnel
    WHERE submission_id = %(submission_id)s AND personal_id IS NOT NULL
    GROUP BY personal_id
    HAVING count(*) > 1
)
SELECT person.source_row, person.school_code, person.personal_id,
       quality.personal_id_kind(person.personal_id) AS personal_id_kind, person.first_name,
       person.last_name, person.gender, person.position,
       CASE WHEN person.birth_date_value IS NULL THEN person.birth_date END AS birth_date_unreadable,
       nullif(repeated.first_row, person.source_row) AS duplicate_of_row
FROM core.other_personnel AS person
LEFT JOIN repeated ON repeated.personal_id = person.personal_id
WHERE person.submission_id = %(submission_id)s

-- One schools submission as its suite reads it. Besides the submission's rows, it has the earlier
-- row of a school code repeated in the file, and the agency (the first by name) of another
-- accepted schools submission of the term that lists the same code.
-- Parameters: submission_id, academic_year, term.
WITH repeated AS (
    SELECT school_code, min(source_row) AS first_row
    FROM core.schools
    WHERE submission_id = %(submission_id)s AND school_code IS NOT NULL
    GROUP BY school_code
    HAVING count(*) > 1
),
listed_elsewhere AS (
    SELECT listed.school_code, min(listed.agency) AS agency
    FROM core.current_schools AS listed
    WHERE listed.academic_year = %(academic_year)s AND listed.term = %(term)s
      AND listed.submission_id <> %(submission_id)s AND listed.school_code IS NOT NULL
    GROUP BY listed.school_code
)
SELECT school.source_row, school.school_code, school.school_name, school.affiliation_code,
       school.province_code,
       nullif(repeated.first_row, school.source_row) AS duplicate_of_row,
       listed_elsewhere.agency AS listed_by_other_agency
FROM core.schools AS school
LEFT JOIN repeated ON repeated.school_code = school.school_code
LEFT JOIN listed_elsewhere ON listed_elsewhere.school_code = school.school_code
WHERE school.submission_id = %(submission_id)s

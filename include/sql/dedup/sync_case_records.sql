-- Replace the records and schools of every case found again with what detection found now. A
-- school's province is its province_code in the term's schools dataset when that is a known
-- province. Otherwise it is the province digits of its school code (AA PP NNNNNN), if known.
-- Parameters: academic_year, term, kind.
CREATE TEMP TABLE found_case ON COMMIT DROP AS
SELECT duplicate.case_id, duplicate.match_key
FROM dedup.duplicate_case AS duplicate
JOIN detected_case AS detected USING (match_key)
WHERE duplicate.academic_year = %(academic_year)s
  AND duplicate.term = %(term)s
  AND duplicate.kind = %(kind)s;

DELETE FROM dedup.case_record AS record USING found_case WHERE record.case_id = found_case.case_id;

DELETE FROM dedup.case_school AS school USING found_case WHERE school.case_id = found_case.case_id;

INSERT INTO dedup.case_record (case_id, submission_id, source_row, school_code, agency)
SELECT found_case.case_id, detected.submission_id, detected.source_row, detected.school_code, detected.agency
FROM found_case
JOIN detected_record AS detected USING (match_key);

WITH school_register AS (
    SELECT DISTINCT ON (school.school_code) school.school_code, school.school_name, school.province_code
    FROM core.current_schools AS school
    WHERE school.academic_year = %(academic_year)s
      AND school.term = %(term)s
      AND school.school_code IN (SELECT school_code FROM detected_record)
    ORDER BY school.school_code, school.submission_id DESC, school.source_row
),
case_schools AS (
    SELECT found_case.case_id, detected.school_code, min(detected.agency) AS agency
    FROM found_case
    JOIN detected_record AS detected USING (match_key)
    GROUP BY found_case.case_id, detected.school_code
)
INSERT INTO dedup.case_school (case_id, school_code, school_name, province_code, region, agency)
SELECT case_schools.case_id, case_schools.school_code, register.school_name,
       coalesce(listed.province_code, coded.province_code),
       coalesce(listed.region, coded.region),
       case_schools.agency
FROM case_schools
LEFT JOIN school_register AS register USING (school_code)
LEFT JOIN reference.province AS listed ON listed.province_code = register.province_code
LEFT JOIN reference.province AS coded ON coded.province_code = substr(case_schools.school_code, 3, 2);

DROP TABLE found_case;

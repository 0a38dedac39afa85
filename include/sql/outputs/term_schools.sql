-- One row per school of the term, into the temporary table term_school: every school in the
-- accepted schools datasets and every school with a counted student. A school's province is its
-- province in the schools dataset when that is a known province, else the province digits of its
-- code (AA PP NNNNNN) when those are; its agency is the one whose schools file lists it, else the one
-- whose student file does. Needs counted_student. Parameters: academic_year, term.
CREATE TEMP TABLE term_school ON COMMIT DROP AS
WITH listed AS (
    SELECT DISTINCT ON (school.school_code)
           school.school_code, school.school_name, school.province_code, school.agency
    FROM core.current_schools AS school
    WHERE school.academic_year = %(academic_year)s
      AND school.term = %(term)s
      AND school.school_code IS NOT NULL
    ORDER BY school.school_code, school.submission_id DESC, school.source_row
),
enrolling AS (
    SELECT DISTINCT ON (school_code) school_code, agency
    FROM counted_student
    ORDER BY school_code, agency
),
school AS (
    SELECT coalesce(listed.school_code, enrolling.school_code) AS school_code,
           listed.school_name,
           listed.province_code AS listed_province_code,
           coalesce(listed.agency, enrolling.agency) AS agency
    FROM listed
    FULL JOIN enrolling USING (school_code)
)
SELECT school.school_code, school.school_name, school.agency,
       coalesce(listed_province.province_code, coded_province.province_code) AS province_code,
       coalesce(listed_province.region, coded_province.region) AS region
FROM school
LEFT JOIN reference.province AS listed_province
  ON listed_province.province_code = school.listed_province_code
LEFT JOIN reference.province AS coded_province
  ON coded_province.province_code = substr(school.school_code, 3, 2);

-- Every school of the term with its district, counted students, teachers and size band, into
-- mart.school_profile. A school's district is the one its schools-dataset record gives when that
-- is a known district, else NULL. Needs counted_student, term_school and school_teacher.
-- Parameters: academic_year, term.
INSERT INTO mart.school_profile (
    academic_year, term, school_code, school_name, agency, province_code, district_code, students,
    teachers, size_band
)
WITH listed AS (
    SELECT DISTINCT ON (school.school_code) school.school_code, school.district_code
    FROM core.current_schools AS school
    WHERE school.academic_year = %(academic_year)s
      AND school.term = %(term)s
      AND school.school_code IS NOT NULL
    ORDER BY school.school_code, school.submission_id DESC, school.source_row
),
enrolled AS (
    SELECT school_code, count(*)::integer AS students FROM counted_student GROUP BY school_code
)
SELECT %(academic_year)s, %(term)s, school.school_code, school.school_name, school.agency,
       school.province_code, district.district_code, coalesce(enrolled.students, 0),
       coalesce(school_teacher.teachers, 0), band.size_band
FROM term_school AS school
LEFT JOIN listed USING (school_code)
LEFT JOIN reference.district AS district ON district.district_code = listed.district_code
LEFT JOIN enrolled USING (school_code)
LEFT JOIN school_teacher USING (school_code)
JOIN reference.school_size_band AS band
  ON coalesce(enrolled.students, 0) >= band.min_students
 AND (band.max_students IS NULL OR coalesce(enrolled.students, 0) <= band.max_students);

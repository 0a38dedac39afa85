-- Every school of the term with its counted students and size band, into mart.school_size. Needs
-- counted_student and term_school. Parameters: academic_year, term.
INSERT INTO mart.school_size (
    academic_year, term, school_code, school_name, agency, province_code, students, size_band
)
SELECT %(academic_year)s, %(term)s, school.school_code, school.school_name, school.agency, school.province_code,
       coalesce(enrolled.students, 0), band.size_band
FROM term_school AS school
LEFT JOIN (
    SELECT school_code, count(*)::integer AS students FROM counted_student GROUP BY school_code
) AS enrolled USING (school_code)
JOIN reference.school_size_band AS band
  ON coalesce(enrolled.students, 0) >= band.min_students
 AND (band.max_students IS NULL OR coalesce(enrolled.students, 0) <= band.max_students);

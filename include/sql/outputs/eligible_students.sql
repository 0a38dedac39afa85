-- The term's accepted student records that counts may use, into the temporary table
-- eligible_student: records with no open error-severity issue and no enrolment date after the
-- term's as-of date. Parameters: academic_year, term, as_of_date.
CREATE TEMP TABLE eligible_student ON COMMIT DROP AS
SELECT student.submission_id, student.source_row, student.agency, student.school_code,
       student.personal_id, student.grade, student.gender, student.birth_date_value,
       student.enrolment_date_value
FROM core.current_students AS student
WHERE student.academic_year = %(academic_year)s
  AND student.term = %(term)s
  AND (student.enrolment_date_value IS NULL OR student.enrolment_date_value <= %(as_of_date)s)
  AND NOT EXISTS (
      SELECT 1 FROM quality.issue AS issue
      WHERE issue.submission_id = student.submission_id
        AND issue.source_row = student.source_row
        AND issue.severity = 'error'
        AND issue.resolved_at IS NULL
  );

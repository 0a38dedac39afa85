-- Teachers per school of the term, into the temporary table school_teacher: distinct personal
-- IDs in the accepted teachers datasets whose records have no open error-severity issue.
-- Parameters: academic_year, term.
CREATE TEMP TABLE school_teacher ON COMMIT DROP AS
SELECT teacher.school_code, count(DISTINCT teacher.personal_id)::integer AS teachers
FROM core.current_teachers AS teacher
WHERE teacher.academic_year = %(academic_year)s
  AND teacher.term = %(term)s
  AND teacher.school_code IS NOT NULL
  AND teacher.personal_id IS NOT NULL
  AND NOT EXISTS (
      SELECT 1 FROM quality.issue AS issue
      WHERE issue.submission_id = teacher.submission_id
        AND issue.source_row = teacher.source_row
        AND issue.severity = 'error'
        AND issue.resolved_at IS NULL
  )
GROUP BY teacher.school_code;

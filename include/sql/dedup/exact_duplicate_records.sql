-- The term's accepted student records whose personal ID appears at more than one school, into
-- the temporary table detected_record. A record whose personal ID has an unresolved error-severity
-- issue (the ID rules STU-002, STU-010 and STU-011 write these) takes no part: its ID is not one
-- the ministry can trust to name a child. G codes count like any ID, since the ministry issued them.
-- Parameters: academic_year, term.
INSERT INTO detected_record (match_key, submission_id, source_row, school_code, agency)
WITH trusted AS (
    SELECT student.personal_id, student.submission_id, student.source_row, student.school_code, student.agency
    FROM core.current_students AS student
    WHERE student.academic_year = %(academic_year)s
      AND student.term = %(term)s
      AND student.personal_id IS NOT NULL
      AND student.school_code IS NOT NULL
      AND NOT EXISTS (
          SELECT 1 FROM quality.issue AS issue
          WHERE issue.submission_id = student.submission_id
            AND issue.source_row = student.source_row
            AND issue.column_name = 'personal_id'
            AND issue.severity = 'error'
            AND issue.resolved_at IS NULL
      )
),
shared AS (
    SELECT personal_id
    FROM trusted
    GROUP BY personal_id
    -- min <> max instead of count(DISTINCT) lets PostgreSQL hash the 12.5 million IDs, not sort them.
    HAVING min(school_code COLLATE "C") <> max(school_code COLLATE "C")
)
SELECT trusted.personal_id, trusted.submission_id, trusted.source_row, trusted.school_code, trusted.agency
FROM trusted
JOIN shared USING (personal_id);

-- Settled suspected cases of one term: every record with its file, row and personal ID, whether the
-- budget can count it (no open error issue), and whether it is at the school the offices confirmed.
SELECT duplicate_case.case_id, submission.file_name, record.source_row, student.personal_id,
       NOT EXISTS (
           SELECT 1 FROM quality.issue
           WHERE issue.submission_id = record.submission_id AND issue.source_row = record.source_row
             AND issue.severity = 'error' AND issue.resolved_at IS NULL
       ) AS counted,
       record.school_code = duplicate_case.confirmed_school_code AS at_confirmed_school
FROM dedup.duplicate_case
JOIN dedup.case_record AS record USING (case_id)
JOIN intake.submission AS submission USING (submission_id)
JOIN core.students AS student USING (submission_id, source_row)
WHERE duplicate_case.academic_year = %(academic_year)s AND duplicate_case.term = %(term)s
  AND duplicate_case.kind = 'suspected' AND duplicate_case.status IN ('resolved', 'decided')
ORDER BY duplicate_case.case_id

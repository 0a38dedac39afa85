-- Records with at least one open error per agency, school and dataset in the accepted
-- submissions of a term. `agency` NULL selects every agency; `province` NULL selects every
-- school, else the schools whose code has these province digits (AA PP NNNNNN).
-- Parameters: academic_year, term, agency, province.
WITH issue_school AS (
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.schools AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'schools'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
    UNION ALL
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.students AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'students'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
    UNION ALL
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.teachers AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'teachers'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
    UNION ALL
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.other_personnel AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'other_personnel'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
    UNION ALL
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.graduates AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'graduates'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
    UNION ALL
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.curricula AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'curricula'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
    UNION ALL
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.academic_results AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'academic_results'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
    UNION ALL
    SELECT issue.issue_id, record.school_code
    FROM quality.open_issue AS issue
    JOIN core.land AS record USING (submission_id, source_row)
    WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s AND issue.dataset = 'land'
      AND (%(agency)s::text IS NULL OR issue.agency = %(agency)s)
      AND (%(province)s::text IS NULL OR substr(record.school_code, 3, 2) = %(province)s)
)
SELECT issue.agency, school.school_code, issue.dataset,
       count(DISTINCT (issue.submission_id, issue.source_row))::integer AS records_with_errors
FROM quality.open_issue AS issue
JOIN issue_school AS school USING (issue_id)
WHERE issue.severity = 'error'
GROUP BY issue.agency, school.school_code, issue.dataset;

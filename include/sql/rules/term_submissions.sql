-- The accepted submissions of one term in validation order: schools first, because the other
-- datasets' school rules read them. Each row has the dataset, agency and load time, the suite
-- checksum and start of the latest finished validation run, and the latest load time of the
-- term's schools submissions. Parameters: academic_year, term.
SELECT submission.submission_id, submission.dataset, submission.agency, submission.loaded_at,
       latest.suite_sha256, latest.started_at AS validated_at,
       (SELECT max(schools.loaded_at)
        FROM intake.submission AS schools
        WHERE schools.academic_year = submission.academic_year AND schools.term = submission.term
          AND schools.dataset = 'schools' AND schools.status = 'accepted') AS schools_loaded_at
FROM intake.submission AS submission
LEFT JOIN LATERAL (
    SELECT run.suite_sha256, run.started_at
    FROM quality.validation_run AS run
    WHERE run.submission_id = submission.submission_id AND run.finished_at IS NOT NULL
    ORDER BY run.started_at DESC
    LIMIT 1
) AS latest ON true
WHERE submission.academic_year = %(academic_year)s AND submission.term = %(term)s
  AND submission.status = 'accepted'
ORDER BY submission.dataset <> 'schools', submission.dataset, submission.agency, submission.submission_id

-- Every file received for a term, per agency and dataset, newest first: the receipts a
-- submission summary reads. `agency` NULL selects every agency. Parameters: academic_year, term,
-- agency.
SELECT submission.agency, submission.dataset, submission.submission_id, submission.file_name,
       submission.status, submission.received_at, submission.on_time, submission.rows,
       submission.reason,
       count(*) OVER (PARTITION BY submission.agency, submission.dataset) AS files_received
FROM intake.submission AS submission
WHERE submission.academic_year = %(academic_year)s
  AND submission.term = %(term)s
  AND (%(agency)s::text IS NULL OR submission.agency = %(agency)s)
ORDER BY submission.agency, submission.dataset, submission.received_at DESC, submission.submission_id DESC;

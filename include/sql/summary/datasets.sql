-- Per dataset: files received, accepted and rejected submissions, and rows in force, for one term.
SELECT
    dataset,
    count(*) AS files_received,
    count(*) FILTER (WHERE status = 'accepted') AS accepted,
    count(*) FILTER (WHERE status = 'rejected') AS rejected,
    count(*) FILTER (WHERE status = 'superseded') AS superseded,
    count(*) FILTER (WHERE status = 'accepted' AND NOT on_time) AS accepted_late,
    coalesce(sum(rows) FILTER (WHERE status = 'accepted'), 0) AS rows_accepted
FROM intake.submission
WHERE academic_year = %(academic_year)s AND term = %(term)s
GROUP BY dataset
ORDER BY dataset

-- Per agency and dataset of a term, the records of the accepted submission with at least one open
-- error, and those with open queries but no open error. `agency` NULL selects every agency.
-- Parameters: academic_year, term, agency.
WITH record AS (
    SELECT agency, dataset, submission_id, source_row,
           bool_or(severity = 'error') AS has_error
    FROM quality.open_issue
    WHERE academic_year = %(academic_year)s
      AND term = %(term)s
      AND (%(agency)s::text IS NULL OR agency = %(agency)s)
    GROUP BY agency, dataset, submission_id, source_row
)
SELECT agency, dataset,
       count(*) FILTER (WHERE has_error)::integer AS records_with_errors,
       count(*) FILTER (WHERE NOT has_error)::integer AS records_with_queries_only
FROM record
GROUP BY agency, dataset;

-- One agency's open issues in one dataset of a term, for its correction package: row, school,
-- column, the value with personal data masked inside PostgreSQL, rule, severity and the Thai
-- wording. The records table is filled in with psycopg2.sql. Parameters: academic_year, term,
-- agency, dataset, masking (JSON object: column name to 'personal_id', 'name' or 'date').
SELECT issue.file_name, issue.source_row, record.school_code, issue.column_name,
       quality.masked_value(%(masking)s::jsonb ->> issue.column_name, to_jsonb(record) ->> issue.column_name)
           AS shown_value,
       issue.rule_id, issue.severity, issue.message_th, issue.fix_th
FROM quality.open_issue AS issue
JOIN {records} AS record
  ON record.submission_id = issue.submission_id AND record.source_row = issue.source_row
WHERE issue.academic_year = %(academic_year)s AND issue.term = %(term)s
  AND issue.agency = %(agency)s AND issue.dataset = %(dataset)s
ORDER BY issue.source_row, issue.column_name, issue.rule_id

-- Resolves the open issues of every version that a correcting submission replaced, directly or
-- through other versions. An issue is resolved when the correcting version no longer has the
-- same rule failing on the same column of the same record. A record is matched by its dataset's
-- key columns (codes compared with NULL read as ''), because row numbers change between
-- versions of a file. The table and the key comparison are filled in with psycopg2.sql.
-- Parameters: submission_id.
WITH RECURSIVE earlier_version AS (
    SELECT supersedes AS submission_id
    FROM intake.submission
    WHERE submission_id = %(submission_id)s AND supersedes IS NOT NULL
    UNION
    SELECT version.supersedes
    FROM intake.submission AS version
    JOIN earlier_version ON earlier_version.submission_id = version.submission_id
    WHERE version.supersedes IS NOT NULL
)
UPDATE quality.issue AS earlier
SET resolved_at = now()
FROM {records} AS earlier_record
WHERE earlier.submission_id IN (SELECT submission_id FROM earlier_version)
  AND earlier.resolved_at IS NULL
  AND earlier_record.submission_id = earlier.submission_id
  AND earlier_record.source_row = earlier.source_row
  AND NOT EXISTS (
      SELECT 1
      FROM quality.issue AS later
      JOIN {records} AS later_record
        ON later_record.submission_id = later.submission_id AND later_record.source_row = later.source_row
      WHERE later.submission_id = %(submission_id)s
        AND later.resolved_at IS NULL
        AND later.rule_id = earlier.rule_id
        AND later.column_name = earlier.column_name
        AND {same_record}
  )

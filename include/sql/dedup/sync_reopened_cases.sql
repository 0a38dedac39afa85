-- Reopen closed cases whose records are on more than one school's rolls again, and update the
-- match probability of every case found again. Parameters: academic_year, term, kind, actor.
WITH found AS (
    SELECT duplicate.case_id, duplicate.status, detected.match_probability
    FROM dedup.duplicate_case AS duplicate
    JOIN detected_case AS detected USING (match_key)
    WHERE duplicate.academic_year = %(academic_year)s
      AND duplicate.term = %(term)s
      AND duplicate.kind = %(kind)s
),
reopened AS (
    UPDATE dedup.duplicate_case AS duplicate
    SET status = CASE WHEN found.status = 'closed' THEN 'open' ELSE duplicate.status END,
        confirmed_school_code = CASE WHEN found.status = 'closed' THEN NULL ELSE duplicate.confirmed_school_code END,
        match_probability = found.match_probability,
        updated_at = CASE WHEN found.status = 'closed' THEN now() ELSE duplicate.updated_at END
    FROM found
    WHERE duplicate.case_id = found.case_id
      AND (found.status = 'closed' OR duplicate.match_probability IS DISTINCT FROM found.match_probability)
    RETURNING duplicate.case_id, found.status AS previous_status
)
INSERT INTO dedup.case_event (case_id, actor, from_status, to_status, note)
SELECT case_id, %(actor)s, 'closed', 'open', 'records found on more than one school''s rolls again'
FROM reopened
WHERE previous_status = 'closed';

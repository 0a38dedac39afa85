-- Close the unsettled cases of this term and kind that detection no longer finds, because a
-- correction took the child off all rolls but one. Settled cases (resolved, decided) stay as they
-- are: the correction is what settling them asked for. Parameters: academic_year, term, kind, actor.
WITH vanished AS (
    SELECT duplicate.case_id, duplicate.status
    FROM dedup.duplicate_case AS duplicate
    WHERE duplicate.academic_year = %(academic_year)s
      AND duplicate.term = %(term)s
      AND duplicate.kind = %(kind)s
      AND duplicate.status IN ('open', 'answered', 'escalated')
      AND NOT EXISTS (SELECT 1 FROM detected_case AS detected WHERE detected.match_key = duplicate.match_key)
),
closed AS (
    UPDATE dedup.duplicate_case AS duplicate
    SET status = 'closed', updated_at = now()
    FROM vanished
    WHERE duplicate.case_id = vanished.case_id
    RETURNING duplicate.case_id, vanished.status AS previous_status
)
INSERT INTO dedup.case_event (case_id, actor, from_status, to_status, note)
SELECT case_id, %(actor)s, previous_status, 'closed', 'records no longer on more than one school''s rolls'
FROM closed;

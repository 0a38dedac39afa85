-- Create a case for every match key in detected_record that has none yet in this term, and
-- record its first event. Parameters: academic_year, term, kind, actor.
WITH created AS (
    INSERT INTO dedup.duplicate_case (academic_year, term, kind, match_key, match_probability)
    SELECT %(academic_year)s, %(term)s, %(kind)s, detected.match_key, detected.match_probability
    FROM detected_case AS detected
    ORDER BY detected.match_key
    ON CONFLICT (academic_year, term, kind, match_key) DO NOTHING
    RETURNING case_id
)
INSERT INTO dedup.case_event (case_id, actor, from_status, to_status, note)
SELECT case_id, %(actor)s, NULL, 'open', 'detected'
FROM created;

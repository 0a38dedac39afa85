-- Move the term's unsettled cases to the status their answers in force give, after
-- answer_summary.sql filled answer_summary:
--   every school answered and exactly one says "studying here" -> resolved at that school;
--   every school answered and none says it -> resolved with no confirmed school;
--   some answer, otherwise -> answered; no answer -> open.
-- Escalated, decided and closed cases keep their status. Parameters: actor.
WITH next_status AS (
    SELECT duplicate.case_id, duplicate.status AS from_status,
           CASE
               WHEN summary.answered = summary.schools AND summary.studying <= 1 THEN 'resolved'
               WHEN summary.answered > 0 THEN 'answered'
               ELSE 'open'
           END AS to_status,
           CASE
               WHEN summary.answered = summary.schools AND summary.studying = 1 THEN summary.studying_school
           END AS confirmed_school_code
    FROM dedup.duplicate_case AS duplicate
    JOIN answer_summary AS summary USING (case_id)
    WHERE duplicate.status IN ('open', 'answered', 'resolved')
),
changed AS (
    UPDATE dedup.duplicate_case AS duplicate
    SET status = next_status.to_status,
        confirmed_school_code = next_status.confirmed_school_code,
        updated_at = now()
    FROM next_status
    WHERE duplicate.case_id = next_status.case_id
      AND (duplicate.status <> next_status.to_status
           OR duplicate.confirmed_school_code IS DISTINCT FROM next_status.confirmed_school_code)
    RETURNING duplicate.case_id, next_status.from_status, next_status.to_status, next_status.confirmed_school_code
)
INSERT INTO dedup.case_event (case_id, actor, from_status, to_status, note)
SELECT case_id, %(actor)s, from_status, to_status,
       CASE
           WHEN to_status = 'resolved' AND confirmed_school_code IS NOT NULL
               THEN 'the child studies at school ' || confirmed_school_code
           WHEN to_status = 'resolved' THEN 'no school reports the child studying there'
           ELSE 'answers received'
       END
FROM changed;

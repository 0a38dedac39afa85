-- When the verification window has closed, send every unsettled case of the term (open or
-- answered) to the provincial committee of each province of its schools, after answer_summary.sql
-- filled answer_summary. Parameters: academic_year, term, closed_at, actor.
CREATE TEMP TABLE escalating ON COMMIT DROP AS
SELECT duplicate.case_id, duplicate.status AS from_status,
       CASE
           WHEN summary.studying > 1 THEN 'several_schools_studying'
           WHEN coalesce(summary.answered, 0) = 0 THEN 'no_answer'
           ELSE 'incomplete'
       END AS reason
FROM dedup.duplicate_case AS duplicate
LEFT JOIN answer_summary AS summary USING (case_id)
WHERE duplicate.academic_year = %(academic_year)s
  AND duplicate.term = %(term)s
  AND duplicate.status IN ('open', 'answered');

UPDATE dedup.duplicate_case AS duplicate
SET status = 'escalated', escalation_reason = escalating.reason, updated_at = %(closed_at)s
FROM escalating
WHERE duplicate.case_id = escalating.case_id;

INSERT INTO dedup.case_committee (case_id, committee_id, province_code, escalated_at)
SELECT DISTINCT escalating.case_id, 'provincial_committee:' || school.province_code, school.province_code,
       %(closed_at)s::timestamptz
FROM escalating
JOIN dedup.case_school AS school USING (case_id)
WHERE school.province_code IS NOT NULL
ON CONFLICT (case_id, committee_id) DO NOTHING;

INSERT INTO dedup.case_event (case_id, occurred_at, actor, from_status, to_status, note)
SELECT case_id, %(closed_at)s, %(actor)s, from_status, 'escalated',
       CASE reason
           WHEN 'several_schools_studying' THEN 'more than one school reports the child studying there'
           WHEN 'no_answer' THEN 'no school answered before the verification window closed'
           ELSE 'not every school answered before the verification window closed'
       END
FROM escalating;

-- Each child once, from the eligible records (eligible_student), into the temporary table
-- counted_student. The rule, applied in this order:
-- 1. A record of a settled case (resolved or decided) counts only when it is at the case's
--    confirmed school. A settled case without a confirmed school counts the child at no school.
-- 2. The records of an exact case not yet settled (open, answered, escalated) count once, at the
--    record with the latest enrolment date (unknown dates last), then the lowest school code, then
--    the lowest submission id and source row. The kept record is flagged unresolved.
-- 3. Each record of a suspected case not yet settled counts, flagged suspected, because a
--    probabilistic match is no proof that two records are one child.
-- 4. What remains counts once per personal ID, records confirmed by a settled case first and then
--    in the order of rule 2, so two records with one ID count once even before detection has run.
--    The kept record is flagged unresolved when another record with its ID was dropped.
-- Closed cases change nothing. A record belongs to an exact case when the case lists it or when
-- its personal ID is the case's match key, so records loaded after detection keep the verdict.
-- Parameters: academic_year, term.
CREATE TEMP TABLE counted_student ON COMMIT DROP AS
WITH term_case AS (
    SELECT case_id, kind, status, match_key, confirmed_school_code,
           status IN ('resolved', 'decided') AS settled
    FROM dedup.duplicate_case
    WHERE academic_year = %(academic_year)s
      AND term = %(term)s
      AND status <> 'closed'
),
membership AS (
    SELECT term_case.*, record.submission_id, record.source_row
    FROM term_case
    JOIN dedup.case_record AS record USING (case_id)
    UNION
    SELECT term_case.*, eligible.submission_id, eligible.source_row
    FROM term_case
    JOIN eligible_student AS eligible ON eligible.personal_id = term_case.match_key
    WHERE term_case.kind = 'exact'
),
record_case AS (
    -- One case per record: a settled case before an unsettled one, an exact before a suspected.
    SELECT DISTINCT ON (submission_id, source_row) *
    FROM membership
    ORDER BY submission_id, source_row, settled DESC, kind = 'exact' DESC, case_id
),
case_member AS (
    -- Rule 2 ranks only the records that belong to a case. School codes compare byte-wise.
    SELECT eligible.submission_id, eligible.source_row, record_case.case_id, record_case.kind,
           record_case.settled, record_case.confirmed_school_code,
           row_number() OVER (
               PARTITION BY record_case.case_id
               ORDER BY eligible.enrolment_date_value DESC NULLS LAST, eligible.school_code COLLATE "C",
                        eligible.submission_id, eligible.source_row
           ) AS case_rank
    FROM record_case
    JOIN eligible_student AS eligible USING (submission_id, source_row)
),
first_pass AS (
    SELECT eligible.*, member.case_id, member.kind,
           coalesce(member.settled, false) AS settled,
           NOT coalesce(member.settled, false) AND member.kind IS NOT DISTINCT FROM 'exact' AS unresolved_case,
           NOT coalesce(member.settled, false) AND member.kind IS NOT DISTINCT FROM 'suspected' AS suspected_case
    FROM eligible_student AS eligible
    LEFT JOIN case_member AS member USING (submission_id, source_row)
    WHERE CASE
              WHEN member.settled THEN coalesce(eligible.school_code = member.confirmed_school_code, false)
              WHEN member.kind = 'exact' THEN member.case_rank = 1
              ELSE true
          END
),
shared_id AS (
    -- Rule 4 only needs ranking where one personal ID is still on more than one record.
    SELECT personal_id
    FROM first_pass
    WHERE personal_id IS NOT NULL
    GROUP BY personal_id
    HAVING count(*) > 1
),
shared_rank AS (
    SELECT first_pass.submission_id, first_pass.source_row,
           row_number() OVER (
               PARTITION BY first_pass.personal_id
               ORDER BY first_pass.settled DESC, first_pass.enrolment_date_value DESC NULLS LAST,
                        first_pass.school_code COLLATE "C", first_pass.submission_id, first_pass.source_row
           ) AS child_rank
    FROM first_pass
    JOIN shared_id USING (personal_id)
)
SELECT first_pass.submission_id, first_pass.source_row, first_pass.agency, first_pass.school_code,
       first_pass.grade, first_pass.gender, first_pass.birth_date_value,
       first_pass.unresolved_case OR shared_rank.child_rank IS NOT NULL AS unresolved_duplicate,
       first_pass.suspected_case AS suspected_duplicate,
       first_pass.settled AS settled_duplicate
FROM first_pass
LEFT JOIN shared_rank USING (submission_id, source_row)
WHERE coalesce(shared_rank.child_rank, 1) = 1;

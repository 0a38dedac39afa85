-- Recompute the term's duplicate-check report of every provincial and regional office, those
-- without cases included. Counts cover the cases routed to the office that are not closed:
--   received: cases routed to it;
--   answered: cases where the office itself answered for every school of the case in its area
--             (its province, or its region);
--   answered_on_time: of those, cases where each of those first answers came before the
--             verification window closed (closes_at);
--   resolved, escalated (escalated or decided), decided: cases by their status now.
-- Parameters: academic_year, term, closes_at.
DELETE FROM dedup.office_report WHERE academic_year = %(academic_year)s AND term = %(term)s;

WITH office AS (
    SELECT 'provincial_office:' || province_code AS office_id, 'provincial_office' AS office_type,
           province_code, region
    FROM reference.province
    UNION ALL
    SELECT 'regional_office:' || region, 'regional_office', NULL, region
    FROM reference.regional_office
),
office_case AS (
    SELECT route.office_id, route.office_type, route.province_code, route.region, route.case_id, duplicate.status
    FROM dedup.case_route AS route
    JOIN dedup.duplicate_case AS duplicate USING (case_id)
    WHERE duplicate.academic_year = %(academic_year)s
      AND duplicate.term = %(term)s
      AND duplicate.status <> 'closed'
      AND route.office_type IN ('provincial_office', 'regional_office')
),
first_answer AS (
    SELECT answer.case_id, answer.school_code, answer.answered_by, min(answer.answered_at) AS answered_at
    FROM dedup.case_answer AS answer
    JOIN office_case ON office_case.case_id = answer.case_id AND office_case.office_id = answer.answered_by
    GROUP BY answer.case_id, answer.school_code, answer.answered_by
),
case_progress AS (
    SELECT office_case.office_id, office_case.case_id,
           bool_and(first_answer.answered_at IS NOT NULL) AS answered,
           bool_and(first_answer.answered_at < %(closes_at)s) AS answered_on_time
    FROM office_case
    JOIN dedup.case_school AS school
      ON school.case_id = office_case.case_id
     AND CASE office_case.office_type
             WHEN 'provincial_office' THEN school.province_code = office_case.province_code
             ELSE school.region = office_case.region
         END
    LEFT JOIN first_answer
      ON first_answer.case_id = school.case_id
     AND first_answer.school_code = school.school_code
     AND first_answer.answered_by = office_case.office_id
    GROUP BY office_case.office_id, office_case.case_id
)
INSERT INTO dedup.office_report (academic_year, term, office_id, office_type, province_code, region,
                                 cases_received, cases_answered, cases_answered_on_time, cases_resolved,
                                 cases_escalated, cases_decided, verification_closes_at)
SELECT %(academic_year)s, %(term)s, office.office_id, office.office_type, office.province_code, office.region,
       count(office_case.case_id),
       count(*) FILTER (WHERE case_progress.answered),
       count(*) FILTER (WHERE case_progress.answered_on_time),
       count(*) FILTER (WHERE office_case.status = 'resolved'),
       count(*) FILTER (WHERE office_case.status IN ('escalated', 'decided')),
       count(*) FILTER (WHERE office_case.status = 'decided'),
       %(closes_at)s
FROM office
LEFT JOIN office_case USING (office_id)
LEFT JOIN case_progress USING (office_id, case_id)
GROUP BY office.office_id, office.office_type, office.province_code, office.region;

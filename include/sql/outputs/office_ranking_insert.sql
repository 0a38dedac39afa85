-- Every provincial and regional office ranked, within its type, by how completely it checked the
-- duplicate cases of the term routed to it, into mart.office_ranking. Closed cases do not count.
--   resolved share = cases resolved or decided / cases received;
--   on-time share  = cases for which the office itself answered for every school of the case in
--                    its area (its province, or its region) before the verification window
--                    closed, by the first answer per school / cases received.
-- The on-time test is the one dedup/office_report.sql uses for the offices' own reports.
-- Order: resolved share, then on-time share (both higher first, compared unrounded), then more
-- cases received, then the lower province code or region number. An office that received no case
-- gets no rank. Parameters: academic_year, term, verification_closes_at.
INSERT INTO mart.office_ranking (
    academic_year, term, office_id, office_type, province_code, region, office_name_th,
    cases_received, cases_resolved, cases_answered_on_time, resolved_share, on_time_share, rank,
    verification_closes_at
)
WITH office AS (
    SELECT 'provincial_office:' || province_code AS office_id, 'provincial_office' AS office_type,
           province_code, region, 'สำนักงานศึกษาธิการจังหวัด' || name_th AS office_name_th,
           province_code::integer AS office_number
    FROM reference.province
    UNION ALL
    SELECT 'regional_office:' || region, 'regional_office', NULL, region,
           'สำนักงานศึกษาธิการภาค ' || region, region
    FROM reference.regional_office
),
term_case AS (
    SELECT case_id, status IN ('resolved', 'decided') AS settled
    FROM dedup.duplicate_case
    WHERE academic_year = %(academic_year)s AND term = %(term)s AND status <> 'closed'
),
route AS (
    SELECT route.case_id, route.office_id, route.office_type, route.province_code, route.region,
           term_case.settled
    FROM dedup.case_route AS route
    JOIN term_case USING (case_id)
    WHERE route.office_type IN ('provincial_office', 'regional_office')
),
first_answer AS (
    SELECT answer.case_id, answer.school_code, answer.answered_by, min(answer.answered_at) AS answered_at
    FROM dedup.case_answer AS answer
    JOIN route ON route.case_id = answer.case_id AND route.office_id = answer.answered_by
    GROUP BY answer.case_id, answer.school_code, answer.answered_by
),
route_timeliness AS (
    SELECT route.case_id, route.office_id,
           coalesce(bool_and(coalesce(first_answer.answered_at < %(verification_closes_at)s, false)), false)
               AS answered_on_time
    FROM route
    LEFT JOIN dedup.case_school AS school
      ON school.case_id = route.case_id
     AND CASE route.office_type
             WHEN 'provincial_office' THEN school.province_code = route.province_code
             ELSE school.region = route.region
         END
    LEFT JOIN first_answer
      ON first_answer.case_id = school.case_id
     AND first_answer.school_code = school.school_code
     AND first_answer.answered_by = route.office_id
    GROUP BY route.case_id, route.office_id
),
per_office AS (
    SELECT office.*,
           count(route.case_id)::integer AS cases_received,
           count(route.case_id) FILTER (WHERE route.settled)::integer AS cases_resolved,
           count(route.case_id) FILTER (WHERE timeliness.answered_on_time)::integer AS cases_answered_on_time
    FROM office
    LEFT JOIN route USING (office_id)
    LEFT JOIN route_timeliness AS timeliness USING (case_id, office_id)
    GROUP BY office.office_id, office.office_type, office.province_code, office.region,
             office.office_name_th, office.office_number
),
shared AS (
    SELECT per_office.*,
           cases_resolved::numeric / nullif(cases_received, 0) AS resolved_share,
           cases_answered_on_time::numeric / nullif(cases_received, 0) AS on_time_share
    FROM per_office
)
SELECT %(academic_year)s, %(term)s, office_id, office_type, province_code, region, office_name_th,
       cases_received, cases_resolved, cases_answered_on_time,
       round(resolved_share, 4), round(on_time_share, 4),
       CASE WHEN cases_received > 0 THEN
           row_number() OVER (
               PARTITION BY office_type, cases_received > 0
               ORDER BY resolved_share DESC, on_time_share DESC, cases_received DESC, office_number
           )
       END,
       %(verification_closes_at)s
FROM shared;

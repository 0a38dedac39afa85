-- One row per office, case and school: every office a case of the term was routed to (and every
-- provincial committee it was escalated to) gets all the schools of its cases. The personal ID is
-- masked to its first and last character, the name to its initials and the birth date to month and
-- Buddhist Era year, so no full ID, name or birth date leaves the warehouse.
-- `to_answer` is true when the school is in the office's area: a provincial office answers for
-- schools in its province, a regional office for schools in its region, an agency for its own
-- schools and the ICT centre for all. Parameters: academic_year, term.
WITH term_case AS (
    SELECT case_id, kind, level, status, match_probability
    FROM dedup.duplicate_case
    WHERE academic_year = %(academic_year)s AND term = %(term)s
),
recipient AS (
    SELECT route.case_id, route.office_id, route.office_type, route.province_code, route.region, route.agency
    FROM dedup.case_route AS route
    JOIN term_case USING (case_id)
    UNION ALL
    SELECT committee.case_id, committee.committee_id, 'provincial_committee', committee.province_code, NULL, NULL
    FROM dedup.case_committee AS committee
    JOIN term_case USING (case_id)
),
first_record AS (
    SELECT DISTINCT ON (record.case_id, record.school_code)
           record.case_id, record.school_code, record.submission_id, record.source_row
    FROM dedup.case_record AS record
    JOIN term_case USING (case_id)
    ORDER BY record.case_id, record.school_code, record.submission_id, record.source_row
)
SELECT recipient.office_id,
       term_case.case_id,
       term_case.kind,
       term_case.match_probability,
       term_case.level,
       term_case.status,
       school.school_code,
       school.school_name,
       province.name_th AS province_name,
       school.agency,
       student.grade,
       student.enrolment_date_value AS enrolment_date,
       CASE
           WHEN length(student.personal_id) = 13
               THEN left(student.personal_id, 1) || '-xxxx-xxxxx-xx-' || right(student.personal_id, 1)
           WHEN length(student.personal_id) > 2
               THEN left(student.personal_id, 1) || repeat('x', length(student.personal_id) - 2)
                    || right(student.personal_id, 1)
           ELSE repeat('x', coalesce(length(student.personal_id), 0))
       END AS masked_id,
       concat_ws(' ', left(student.first_name, 1) || '.', left(student.last_name, 1) || '.') AS initials,
       to_char(student.birth_date_value, 'MM') || '/' || (extract(year FROM student.birth_date_value)::integer + 543)
           AS birth_month,
       student.gender,
       CASE recipient.office_type
           WHEN 'provincial_office' THEN school.province_code = recipient.province_code
           WHEN 'regional_office' THEN school.region = recipient.region
           WHEN 'agency' THEN school.agency = recipient.agency
           WHEN 'ict_centre' THEN true
           ELSE false
       END AS to_answer,
       answer.answer_code,
       answer.note
FROM recipient
JOIN term_case USING (case_id)
JOIN dedup.case_school AS school USING (case_id)
LEFT JOIN reference.province AS province ON province.province_code = school.province_code
LEFT JOIN first_record
       ON first_record.case_id = school.case_id AND first_record.school_code = school.school_code
LEFT JOIN core.students AS student
       ON student.submission_id = first_record.submission_id AND student.source_row = first_record.source_row
LEFT JOIN dedup.current_answer AS answer
       ON answer.case_id = school.case_id AND answer.school_code = school.school_code
ORDER BY recipient.office_id, term_case.case_id, school.school_code;

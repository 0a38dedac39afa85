-- Check each row of one answer file (in the temporary table answer_row) and set its problem, the
-- first that applies: the case id is not a number; the case is not one of the term's; the case was
-- not sent to the answering office; the school is not one of the case's; the school is outside the
-- office's area (a provincial office answers for its province, a regional office for its region,
-- an agency for its own schools, the ICT centre for all); the case is closed; the answer is not
-- one of the codes. Parameters: academic_year, term, office_id.
UPDATE answer_row AS answer
SET problem = CASE
        WHEN answer.case_id IS NULL THEN 'invalid_case_id'
        WHEN duplicate.case_id IS NULL THEN 'unknown_case'
        WHEN route.case_id IS NULL THEN 'other_office_case'
        WHEN school.case_id IS NULL THEN 'school_not_in_case'
        WHEN NOT CASE route.office_type
                     WHEN 'provincial_office' THEN school.province_code IS NOT DISTINCT FROM route.province_code
                     WHEN 'regional_office' THEN school.region IS NOT DISTINCT FROM route.region
                     WHEN 'agency' THEN school.agency = route.agency
                     ELSE true
                 END THEN 'school_outside_area'
        WHEN duplicate.status = 'closed' THEN 'case_closed'
        WHEN answer.answer_code IS NULL THEN 'invalid_answer'
    END
FROM answer_row AS checked
LEFT JOIN dedup.duplicate_case AS duplicate
       ON duplicate.case_id = checked.case_id
      AND duplicate.academic_year = %(academic_year)s
      AND duplicate.term = %(term)s
LEFT JOIN dedup.case_route AS route
       ON route.case_id = duplicate.case_id AND route.office_id = %(office_id)s
LEFT JOIN dedup.case_school AS school
       ON school.case_id = duplicate.case_id AND school.school_code = checked.school_code
WHERE answer.source_row = checked.source_row;

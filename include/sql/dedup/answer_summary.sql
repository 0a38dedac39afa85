-- Per case of the term: how many schools it has, how many have an answer in force, how many
-- answer "studying here" (code 100) and the first such school. Parameters: academic_year, term.
CREATE TEMP TABLE answer_summary ON COMMIT DROP AS
SELECT school.case_id,
       count(*) AS schools,
       count(answer.answer_code) AS answered,
       count(*) FILTER (WHERE answer.answer_code = 100) AS studying,
       min(school.school_code) FILTER (WHERE answer.answer_code = 100) AS studying_school
FROM dedup.case_school AS school
JOIN dedup.duplicate_case AS duplicate USING (case_id)
LEFT JOIN dedup.current_answer AS answer USING (case_id, school_code)
WHERE duplicate.academic_year = %(academic_year)s
  AND duplicate.term = %(term)s
GROUP BY school.case_id;

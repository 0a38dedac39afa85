-- The students rules (include/expectations/students.json) written by hand as one pass over the
-- term's accepted students submissions: one row per failing record and rule. The benchmark times
-- this as the lower bound for validating students, so each check takes its cheapest form. The age
-- rule compares the birth date with the grade's bounds shifted to dates instead of computing each
-- child's age, and only the records that fail a rule are expanded into rows.
-- Parameters: academic_year, term, age_reference_date.
CREATE TEMP TABLE bench_student_issue AS
WITH term_submission AS (
    SELECT submission_id FROM intake.submission
    WHERE academic_year = %(academic_year)s AND term = %(term)s AND dataset = 'students'
      AND status = 'accepted'
),
term_school AS (
    SELECT DISTINCT record.school_code
    FROM core.schools AS record
    JOIN intake.submission AS submission USING (submission_id)
    WHERE submission.academic_year = %(academic_year)s AND submission.term = %(term)s
      AND submission.status = 'accepted' AND record.school_code IS NOT NULL
),
repeated AS (
    SELECT submission_id, school_code, personal_id, min(source_row) AS first_row
    FROM core.students
    WHERE submission_id IN (SELECT submission_id FROM term_submission)
      AND school_code IS NOT NULL AND personal_id IS NOT NULL
    GROUP BY submission_id, school_code, personal_id
    HAVING count(*) > 1
)
SELECT checked.submission_id, checked.source_row, unnest(checked.rule_ids) AS rule_id
FROM (
    SELECT student.submission_id, student.source_row,
           array_remove(ARRAY[
               CASE WHEN student.school_code IS NULL THEN 'STU-001' END,
               CASE WHEN student.personal_id IS NULL THEN 'STU-002' END,
               CASE WHEN student.first_name IS NULL THEN 'STU-003' END,
               CASE WHEN student.last_name IS NULL THEN 'STU-004' END,
               CASE WHEN student.gender IS NULL OR student.gender NOT IN ('M', 'F') THEN 'STU-005' END,
               CASE WHEN student.birth_date_value IS NULL THEN 'STU-006' END,
               CASE WHEN grade.grade IS NULL THEN 'STU-007' END,
               CASE WHEN student.personal_id !~ '^(\d{13}|G\d{12})$' THEN 'STU-010' END,
               CASE WHEN NOT quality.thai_id_check_digit_matches(student.personal_id) THEN 'STU-011' END,
               CASE WHEN student.school_code IS NOT NULL AND term_school.school_code IS NULL THEN 'STU-012' END,
               CASE WHEN student.birth_date_value > %(age_reference_date)s::date - make_interval(years => grade.min_age)
                      OR student.birth_date_value <= %(age_reference_date)s::date - make_interval(years => grade.max_age + 1)
                    THEN 'STU-013' END,
               CASE WHEN repeated.first_row < student.source_row THEN 'STU-014' END
           ], NULL) AS rule_ids
    FROM core.students AS student
    LEFT JOIN reference.grade AS grade ON grade.grade = student.grade
    LEFT JOIN term_school ON term_school.school_code = student.school_code
    LEFT JOIN repeated
        ON repeated.submission_id = student.submission_id AND repeated.school_code = student.school_code
       AND repeated.personal_id = student.personal_id
    WHERE student.submission_id IN (SELECT submission_id FROM term_submission)
) AS checked
WHERE checked.rule_ids <> '{}'

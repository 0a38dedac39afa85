-- Children of the previous term per district of their school then, age on this term's age
-- reference date and gender, and what became of them this term, into
-- mart.district_student_continuity:
-- - enrolled: a student record with the same personal ID in any accepted submission this term;
-- - completed_lower_secondary: not enrolled, but in this term's graduates dataset having
--   completed ม.3 or a later grade;
-- - not_found: neither.
-- Only children with a valid Thai personal ID are followed, because G codes change between
-- schools, and only those whose previous agency has an accepted students submission this term, so
-- an agency that has not submitted yet does not make its children look missing. A child with
-- several previous records counts once, at the record with the latest enrolment date.
-- Parameters: academic_year, term, age_reference_date, previous_academic_year, previous_term.
INSERT INTO mart.district_student_continuity (
    academic_year, term, province_code, district_code, age, gender, previous_students, enrolled,
    completed_lower_secondary, not_found
)
WITH submitted_agency AS (
    SELECT DISTINCT agency
    FROM intake.submission
    WHERE academic_year = %(academic_year)s AND term = %(term)s
      AND dataset = 'students' AND status = 'accepted'
),
previous_child AS (
    SELECT DISTINCT ON (student.personal_id)
           student.personal_id, student.school_code, student.gender, student.birth_date_value
    FROM core.current_students AS student
    JOIN submitted_agency USING (agency)
    WHERE student.academic_year = %(previous_academic_year)s
      AND student.term = %(previous_term)s
      AND dedup.is_valid_thai_id(student.personal_id)
    ORDER BY student.personal_id, student.enrolment_date_value DESC NULLS LAST,
             student.school_code COLLATE "C", student.submission_id, student.source_row
),
previous_school AS (
    SELECT DISTINCT ON (school.school_code) school.school_code, school.province_code, school.district_code
    FROM core.current_schools AS school
    WHERE school.academic_year = %(previous_academic_year)s
      AND school.term = %(previous_term)s
      AND school.school_code IS NOT NULL
    ORDER BY school.school_code, school.submission_id DESC, school.source_row
),
current_child AS (
    SELECT DISTINCT personal_id
    FROM core.current_students
    WHERE academic_year = %(academic_year)s AND term = %(term)s AND personal_id IS NOT NULL
),
completed_child AS (
    SELECT DISTINCT graduate.personal_id
    FROM core.current_graduates AS graduate
    JOIN reference.grade AS grade ON grade.grade = graduate.grade_completed
    WHERE graduate.academic_year = %(academic_year)s
      AND graduate.term = %(term)s
      AND graduate.personal_id IS NOT NULL
      AND grade.sort_order >= (SELECT sort_order FROM reference.grade WHERE grade = 'ม.3')
),
followed AS (
    SELECT coalesce(district.province_code, listed_province.province_code, coded_province.province_code)
               AS province_code,
           district.district_code,
           CASE
               WHEN child.birth_date_value <= %(age_reference_date)s::date
               THEN extract(year FROM age(%(age_reference_date)s::date, child.birth_date_value))::integer
           END AS age,
           CASE WHEN child.gender IN ('M', 'F') THEN child.gender END AS gender,
           current_child.personal_id IS NOT NULL AS enrolled,
           completed_child.personal_id IS NOT NULL AS completed
    FROM previous_child AS child
    LEFT JOIN previous_school AS school USING (school_code)
    LEFT JOIN reference.district AS district ON district.district_code = school.district_code
    LEFT JOIN reference.province AS listed_province ON listed_province.province_code = school.province_code
    LEFT JOIN reference.province AS coded_province
      ON coded_province.province_code = substr(child.school_code, 3, 2)
    LEFT JOIN current_child USING (personal_id)
    LEFT JOIN completed_child USING (personal_id)
)
SELECT %(academic_year)s, %(term)s, province_code, district_code, age, gender,
       count(*)::integer,
       count(*) FILTER (WHERE enrolled)::integer,
       count(*) FILTER (WHERE NOT enrolled AND completed)::integer,
       count(*) FILTER (WHERE NOT enrolled AND NOT completed)::integer
FROM followed
GROUP BY province_code, district_code, age, gender;

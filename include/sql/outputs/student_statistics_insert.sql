-- Counted students of the term by province, region, agency, grade and level, gender and age on
-- the age reference date, into mart.student_statistic. Needs counted_student and term_school.
-- Parameters: academic_year, term, age_reference_date.
INSERT INTO mart.student_statistic (
    academic_year, term, region, province_code, agency, level, grade, gender, age, students
)
SELECT %(academic_year)s, %(term)s, school.region, school.province_code, counted.agency,
       grade.level, counted.grade, counted.gender, aged.age, count(*)
FROM counted_student AS counted
JOIN term_school AS school USING (school_code)
LEFT JOIN reference.grade AS grade USING (grade)
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN counted.birth_date_value <= %(age_reference_date)s::date
               THEN extract(year FROM age(%(age_reference_date)s::date, counted.birth_date_value))::integer
           END AS age
) AS aged
GROUP BY school.region, school.province_code, counted.agency, grade.level, counted.grade,
         counted.gender, aged.age;

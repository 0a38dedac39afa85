-- Counted students of the term per district of the school, agency, grade and level, gender and age
-- on the age reference date, into mart.district_student_statistic. Needs counted_student and the
-- term's rows of mart.school_profile. Parameters: academic_year, term, age_reference_date.
INSERT INTO mart.district_student_statistic (
    academic_year, term, province_code, district_code, agency, level, grade, gender, age, students
)
SELECT %(academic_year)s, %(term)s, school.province_code, school.district_code, counted.agency,
       grade.level, counted.grade, counted.gender, aged.age, count(*)
FROM counted_student AS counted
JOIN mart.school_profile AS school
  ON school.academic_year = %(academic_year)s
 AND school.term = %(term)s
 AND school.school_code = counted.school_code
LEFT JOIN reference.grade AS grade USING (grade)
CROSS JOIN LATERAL (
    SELECT CASE
               WHEN counted.birth_date_value <= %(age_reference_date)s::date
               THEN extract(year FROM age(%(age_reference_date)s::date, counted.birth_date_value))::integer
           END AS age
) AS aged
GROUP BY school.province_code, school.district_code, counted.agency, grade.level, counted.grade,
         counted.gender, aged.age;

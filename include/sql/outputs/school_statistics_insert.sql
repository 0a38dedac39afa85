-- Counted students of the term per school, level and gender, into mart.school_statistic. Needs
-- counted_student and term_school. Parameters: academic_year, term.
INSERT INTO mart.school_statistic (academic_year, term, school_code, agency, province_code, level, gender, students)
SELECT %(academic_year)s, %(term)s, counted.school_code, counted.agency, school.province_code,
       grade.level, counted.gender, count(*)
FROM counted_student AS counted
JOIN term_school AS school USING (school_code)
LEFT JOIN reference.grade AS grade USING (grade)
GROUP BY counted.school_code, counted.agency, school.province_code, grade.level, counted.gender;

-- The budget counts of the term, from counted_student and term_school, into mart.budget_count:
-- students per agency, school, grade and gender, with how many of them come from unsettled exact
-- duplicates (counted once, at one school) and from unsettled suspected ones.
-- Parameters: academic_year, term, as_of_date.
INSERT INTO mart.budget_count (
    academic_year, term, as_of_date, agency, province_code, school_code, school_name, grade, gender,
    students, unresolved_duplicate_count, suspected_duplicate_count
)
SELECT %(academic_year)s, %(term)s, %(as_of_date)s, counted.agency, school.province_code,
       counted.school_code, school.school_name, counted.grade, counted.gender,
       count(*),
       count(*) FILTER (WHERE counted.unresolved_duplicate),
       count(*) FILTER (WHERE counted.suspected_duplicate)
FROM counted_student AS counted
JOIN term_school AS school USING (school_code)
GROUP BY counted.agency, school.province_code, counted.school_code, school.school_name,
         counted.grade, counted.gender;

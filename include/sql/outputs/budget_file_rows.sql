-- The rows of the Budget Bureau's file for one term, in a fixed order so that the same counts
-- always give the same file. Parameters: academic_year, term.
SELECT count.academic_year, count.term, count.as_of_date,
       agency.affiliation_code, count.agency, agency.name_th AS agency_name_th,
       count.province_code, province.name_th AS province_name_th,
       count.school_code, count.school_name,
       grade.level_th, count.grade,
       CASE count.gender WHEN 'M' THEN 'ชาย' WHEN 'F' THEN 'หญิง' ELSE count.gender END AS gender_th,
       count.students, count.unresolved_duplicate_count, count.suspected_duplicate_count
FROM mart.budget_count AS count
LEFT JOIN reference.agency AS agency USING (agency)
LEFT JOIN reference.province AS province USING (province_code)
LEFT JOIN reference.grade AS grade USING (grade)
WHERE count.academic_year = %(academic_year)s
  AND count.term = %(term)s
ORDER BY agency.affiliation_code NULLS LAST, count.agency, count.province_code NULLS LAST,
         count.school_code, grade.sort_order NULLS LAST, count.grade NULLS LAST, count.gender NULLS LAST;

-- Records per agency, school and dataset in the accepted submissions of a term: the rows a
-- school's summary counts. `agency` NULL selects every agency; `province` NULL selects every
-- school, else the schools whose code has these province digits (AA PP NNNNNN).
-- Parameters: academic_year, term, agency, province.
SELECT agency, school_code, 'schools' AS dataset, count(*)::integer AS records
FROM core.current_schools
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
UNION ALL
SELECT agency, school_code, 'students' AS dataset, count(*)::integer AS records
FROM core.current_students
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
UNION ALL
SELECT agency, school_code, 'teachers' AS dataset, count(*)::integer AS records
FROM core.current_teachers
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
UNION ALL
SELECT agency, school_code, 'other_personnel' AS dataset, count(*)::integer AS records
FROM core.current_other_personnel
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
UNION ALL
SELECT agency, school_code, 'graduates' AS dataset, count(*)::integer AS records
FROM core.current_graduates
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
UNION ALL
SELECT agency, school_code, 'curricula' AS dataset, count(*)::integer AS records
FROM core.current_curricula
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
UNION ALL
SELECT agency, school_code, 'academic_results' AS dataset, count(*)::integer AS records
FROM core.current_academic_results
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
UNION ALL
SELECT agency, school_code, 'land' AS dataset, count(*)::integer AS records
FROM core.current_land
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
GROUP BY agency, school_code
ORDER BY 1, 2, 3;

-- The province digits (AA PP NNNNNN) of every school code in a term's accepted submissions: the
-- groups the school summaries are written in, so each school falls in exactly one.
-- Parameters: academic_year, term.
SELECT substr(school_code, 3, 2) AS province FROM core.current_schools
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
UNION
SELECT substr(school_code, 3, 2) AS province FROM core.current_students
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
UNION
SELECT substr(school_code, 3, 2) AS province FROM core.current_teachers
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
UNION
SELECT substr(school_code, 3, 2) AS province FROM core.current_other_personnel
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
UNION
SELECT substr(school_code, 3, 2) AS province FROM core.current_graduates
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
UNION
SELECT substr(school_code, 3, 2) AS province FROM core.current_curricula
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
UNION
SELECT substr(school_code, 3, 2) AS province FROM core.current_academic_results
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
UNION
SELECT substr(school_code, 3, 2) AS province FROM core.current_land
WHERE academic_year = %(academic_year)s AND term = %(term)s AND school_code IS NOT NULL
ORDER BY 1;

-- The name each agency's schools dataset gives each school in a term. `agency` NULL selects every
-- agency; `province` NULL selects every school, else the schools whose code has these province
-- digits. Parameters: academic_year, term, agency, province.
SELECT DISTINCT ON (agency, school_code) agency, school_code, school_name
FROM core.current_schools
WHERE academic_year = %(academic_year)s
  AND term = %(term)s
  AND school_code IS NOT NULL
  AND (%(agency)s::text IS NULL OR agency = %(agency)s)
  AND (%(province)s::text IS NULL OR substr(school_code, 3, 2) = %(province)s)
ORDER BY agency, school_code, source_row;

-- Labels for the open-data rows and columns: provinces, levels in grade order, agencies, size
-- bands and the term's schools, as (kind, key, Thai label, extra). Parameters: academic_year, term.
SELECT 'province' AS kind, province_code AS key, name_th AS label_th, region::text AS extra,
       province_code::integer AS sort_order
FROM reference.province
UNION ALL
SELECT 'level', level, min(level_th), NULL, min(sort_order)
FROM reference.grade GROUP BY level
UNION ALL
SELECT 'agency', agency, name_th, affiliation_code, affiliation_code::integer
FROM reference.agency
UNION ALL
SELECT 'size_band', size_band, label_th, NULL, sort_order
FROM reference.school_size_band
UNION ALL
SELECT 'school', school_code, school_name, coalesce(province_code, '') || '|' || coalesce(agency, ''), NULL
FROM mart.school_size
WHERE academic_year = %(academic_year)s AND term = %(term)s
ORDER BY 1, 5, 2;

-- Schools of a term per size band, for the yearbook's national table. Parameters: academic_year,
-- term.
SELECT band.size_band, band.label_th, count(size.school_code)::integer AS schools,
       coalesce(sum(size.students), 0)::integer AS students
FROM reference.school_size_band AS band
LEFT JOIN mart.school_size AS size
  ON size.size_band = band.size_band AND size.academic_year = %(academic_year)s AND size.term = %(term)s
GROUP BY band.size_band, band.label_th, band.sort_order
ORDER BY band.sort_order;

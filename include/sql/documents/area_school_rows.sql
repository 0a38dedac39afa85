-- The rows of the open-data file schools_by_area.csv: schools per area of the term, national
-- first, then regions, inspection zones and provinces in their reference order, with the counts
-- behind students per teacher. Parameters: academic_year, term.
SELECT statistic.area_type, statistic.area_code, statistic.schools, statistic.schools_without_students,
       statistic.small_schools, statistic.staffed_students, statistic.teachers,
       statistic.students_per_teacher
FROM mart.area_school_statistic AS statistic
LEFT JOIN (SELECT DISTINCT inspection_zone, sort_order FROM reference.inspection_zone) AS zone
  ON statistic.area_type = 'inspection_zone' AND zone.inspection_zone = statistic.area_code
WHERE statistic.academic_year = %(academic_year)s AND statistic.term = %(term)s
ORDER BY array_position(ARRAY['national', 'region', 'inspection_zone', 'province'], statistic.area_type),
         zone.sort_order,
         CASE WHEN statistic.area_code ~ '^[0-9]+$' THEN statistic.area_code::integer END,
         statistic.area_code;

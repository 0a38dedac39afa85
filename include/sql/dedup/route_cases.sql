-- Send every case of the term that is not closed to the offices that must settle it, from the
-- regional-office table (reference.province.region):
--   level 'province' -> the provincial office of that province;
--   level 'region'   -> each provincial office involved and the regional office;
--   level 'national' -> each regional office involved, for its own area;
-- and every case to each agency involved and to the ICT centre. Routes that no longer apply are
-- removed and the rest keep their first routed_at. Parameters: academic_year, term.
CREATE TEMP TABLE wanted_route ON COMMIT DROP AS
WITH term_case AS (
    SELECT case_id, level
    FROM dedup.duplicate_case
    WHERE academic_year = %(academic_year)s AND term = %(term)s AND status <> 'closed'
)
SELECT DISTINCT term_case.case_id, 'provincial_office:' || school.province_code AS office_id,
       'provincial_office' AS office_type, school.province_code, school.region, NULL::text AS agency
FROM term_case
JOIN dedup.case_school AS school USING (case_id)
WHERE term_case.level IN ('province', 'region') AND school.province_code IS NOT NULL
UNION
SELECT DISTINCT term_case.case_id, 'regional_office:' || school.region,
       'regional_office', NULL::text, school.region, NULL::text
FROM term_case
JOIN dedup.case_school AS school USING (case_id)
WHERE term_case.level IN ('region', 'national') AND school.region IS NOT NULL
UNION
SELECT DISTINCT term_case.case_id, 'agency:' || school.agency, 'agency', NULL::text, NULL::integer, school.agency
FROM term_case
JOIN dedup.case_school AS school USING (case_id)
UNION
SELECT term_case.case_id, 'ict_centre', 'ict_centre', NULL::text, NULL::integer, NULL::text
FROM term_case;

DELETE FROM dedup.case_route AS route
USING dedup.duplicate_case AS duplicate
WHERE route.case_id = duplicate.case_id
  AND duplicate.academic_year = %(academic_year)s
  AND duplicate.term = %(term)s
  AND NOT EXISTS (
      SELECT 1 FROM wanted_route AS wanted
      WHERE wanted.case_id = route.case_id AND wanted.office_id = route.office_id
  );

INSERT INTO dedup.case_route (case_id, office_id, office_type, province_code, region, agency)
SELECT case_id, office_id, office_type, province_code, region, agency
FROM wanted_route
ON CONFLICT (case_id, office_id) DO NOTHING;

DROP TABLE wanted_route;

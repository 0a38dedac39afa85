-- Set the level of every case of the term from the provinces and regions of its schools:
-- one province -> 'province'; two or more provinces of one region -> 'region'; two or more
-- regions -> 'national'; no school with a known province -> 'unknown'. A school whose province is
-- unknown does not change the level that the others give. Parameters: academic_year, term.
WITH computed AS (
    SELECT school.case_id,
           CASE
               WHEN count(DISTINCT school.province_code) = 0 THEN 'unknown'
               WHEN count(DISTINCT school.province_code) = 1 THEN 'province'
               WHEN count(DISTINCT school.region) = 1 THEN 'region'
               ELSE 'national'
           END AS level
    FROM dedup.case_school AS school
    JOIN dedup.duplicate_case AS duplicate USING (case_id)
    WHERE duplicate.academic_year = %(academic_year)s
      AND duplicate.term = %(term)s
    GROUP BY school.case_id
)
UPDATE dedup.duplicate_case AS duplicate
SET level = computed.level
FROM computed
WHERE duplicate.case_id = computed.case_id
  AND duplicate.level IS DISTINCT FROM computed.level;

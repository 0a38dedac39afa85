-- The term's student records that probabilistic matching compares, into the temporary table
-- suspected_candidate, with the school's district and province for the location comparison:
--   every record with a G code (the same child may get a different G code at each school);
--   every record whose personal ID is not a valid Thai ID, as most mistyped IDs are: a changed
--   digit or two swapped neighbours break the check digit in most cases. An ID is valid when it
--   has 13 digits and no open error-severity issue on personal_id in quality.issue, where the ID
--   rules (STU-002, STU-010, STU-011) report a failed check digit;
--   every record that has the same birth date as such a record and shares its first six or last
--   six ID digits: one changed digit or one swap of neighbours leaves one of the two intact;
--   every record with a valid ID that shares first name, last name, birth date and gender with a
--   record under another valid ID at another school: a mistyped ID still passes the check digit
--   when the changed digit is the third (weight 11) or when the weighted sum moves from 0 to 10
--   mod 11, which gives the same check digit.
-- The whole term is read three times: for G codes and invalid IDs, for the namesake groups, and
-- for the partners. The namesake groups come from one hash aggregate over 64-bit hashes
-- (hashtextextended) with min <> max in place of count(DISTINCT), because sorting or comparing
-- 12.5 million Thai names and IDs as collated text is what makes such a query slow.
-- Reading the check digit from quality.issue, not computing it again, saves a calculation on each
-- of the 12.5 million rows in two reads. The small intermediate sets go into analysed temporary
-- tables, so that the planner knows their size: a wrong guess makes it sort the whole term.
-- Parameters: academic_year, term.
CREATE TEMP TABLE personal_id_error ON COMMIT DROP AS
SELECT DISTINCT issue.submission_id, issue.source_row
FROM quality.issue AS issue
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.academic_year = %(academic_year)s
  AND submission.term = %(term)s
  AND submission.status = 'accepted'
  AND issue.column_name = 'personal_id'
  AND issue.severity = 'error'
  AND issue.resolved_at IS NULL;

ANALYZE personal_id_error;

CREATE TEMP TABLE without_valid_id ON COMMIT DROP AS
SELECT student.submission_id, student.source_row, student.school_code, student.agency,
       student.personal_id, student.first_name, student.last_name, student.gender, student.birth_date_value
FROM core.current_students AS student
WHERE student.academic_year = %(academic_year)s
  AND student.term = %(term)s
  AND student.school_code IS NOT NULL
  AND (student.personal_id IS NULL
       OR length(student.personal_id) <> 13
       OR ltrim(student.personal_id, '0123456789') <> ''
       OR (student.submission_id, student.source_row) IN (SELECT submission_id, source_row FROM personal_id_error));

ANALYZE without_valid_id;

CREATE TEMP TABLE unusable_id_key ON COMMIT DROP AS
SELECT DISTINCT birth_date_value, left(personal_id, 6) AS id_head, right(personal_id, 6) AS id_tail
FROM without_valid_id
WHERE birth_date_value IS NOT NULL
  AND personal_id IS NOT NULL
  AND NOT (personal_id LIKE 'G%%' AND length(personal_id) = 13);

ANALYZE unusable_id_key;

CREATE TEMP TABLE namesake_group ON COMMIT DROP AS
SELECT hashtextextended(student.first_name || '|' || student.last_name || '|' || student.gender || '|'
                        || student.birth_date_value, 0) AS namesake_key
FROM core.current_students AS student
WHERE student.academic_year = %(academic_year)s
  AND student.term = %(term)s
  AND student.school_code IS NOT NULL
  AND length(student.personal_id) = 13
  AND ltrim(student.personal_id, '0123456789') = ''
  AND (student.submission_id, student.source_row) NOT IN (SELECT submission_id, source_row FROM personal_id_error)
GROUP BY namesake_key
HAVING min(hashtextextended(student.personal_id, 0)) <> max(hashtextextended(student.personal_id, 0))
   AND min(hashtextextended(student.school_code, 0)) <> max(hashtextextended(student.school_code, 0));

ANALYZE namesake_group;

-- One read of the term finds both kinds of partner: each row probes three hashed subplans.
CREATE TEMP TABLE suspected_candidate ON COMMIT DROP AS
WITH partner AS (
    SELECT student.submission_id, student.source_row, student.school_code, student.agency,
           student.personal_id, student.first_name, student.last_name, student.gender,
           student.birth_date_value
    FROM core.current_students AS student
    WHERE student.academic_year = %(academic_year)s
      AND student.term = %(term)s
      AND student.school_code IS NOT NULL
      AND ((student.birth_date_value, left(student.personal_id, 6))
               IN (SELECT birth_date_value, id_head FROM unusable_id_key)
           OR (student.birth_date_value, right(student.personal_id, 6))
               IN (SELECT birth_date_value, id_tail FROM unusable_id_key)
           OR hashtextextended(student.first_name || '|' || student.last_name || '|' || student.gender || '|'
                               || student.birth_date_value, 0)
               IN (SELECT namesake_key FROM namesake_group))
),
candidate AS (
    SELECT * FROM without_valid_id
    UNION
    SELECT * FROM partner
),
school_register AS (
    SELECT DISTINCT ON (school.school_code) school.school_code, school.district_code, school.province_code
    FROM core.current_schools AS school
    WHERE school.academic_year = %(academic_year)s AND school.term = %(term)s
    ORDER BY school.school_code, school.submission_id DESC, school.source_row
)
SELECT candidate.submission_id || ':' || candidate.source_row AS unique_id,
       candidate.submission_id,
       candidate.source_row,
       candidate.school_code,
       candidate.agency,
       candidate.personal_id,
       CASE
           WHEN candidate.personal_id LIKE 'G%%' AND length(candidate.personal_id) = 13
                AND ltrim(substr(candidate.personal_id, 2), '0123456789') = '' THEN 'g_code'
           WHEN dedup.is_valid_thai_id(candidate.personal_id) THEN 'valid'
           ELSE 'invalid'
       END AS id_kind,
       candidate.first_name,
       candidate.last_name,
       dedup.thai_name_key(candidate.first_name) AS first_name_key,
       dedup.thai_name_key(candidate.last_name) AS last_name_key,
       candidate.gender,
       candidate.birth_date_value AS birth_date,
       register.district_code,
       coalesce(register.province_code, substr(candidate.school_code, 3, 2)) AS province_code
FROM candidate
LEFT JOIN school_register AS register USING (school_code);

-- A synthetic term for measuring the students suite: a schools submission listing `schools`
-- school codes and a students submission of `rows` rows. About one row in a thousand breaks
-- each student rule (STU-001 to STU-014), chosen by the row number, and every other row passes.
-- Parameters: schools_submission_id, submission_id, schools, rows.
INSERT INTO core.schools (submission_id, source_row, school_code, school_name, affiliation_code, province_code)
SELECT %(schools_submission_id)s, number + 1, '1010' || lpad(number::text, 6, '0'), 'โรงเรียน ' || number, '10', '10'
FROM generate_series(0, %(schools)s - 1) AS number;

INSERT INTO core.students (submission_id, source_row, school_code, personal_id, first_name, last_name, gender,
                           birth_date, grade)
SELECT %(submission_id)s, number + 1,
       CASE fault WHEN 1 THEN NULL WHEN 10 THEN '1099999999'
           ELSE '1010' || lpad((number / 200 %% %(schools)s)::text, 6, '0') END,
       CASE fault
           WHEN 2 THEN NULL
           WHEN 8 THEN first_twelve
           WHEN 9 THEN first_twelve || ((quality.thai_id_check_digit(first_twelve::bigint) + 1) %% 10)::text
           WHEN 12 THEN previous_twelve || quality.thai_id_check_digit(previous_twelve::bigint)::text
           ELSE first_twelve || quality.thai_id_check_digit(first_twelve::bigint)::text
       END,
       CASE WHEN fault = 3 THEN NULL ELSE 'ชื่อ' || number END,
       CASE WHEN fault = 4 THEN NULL ELSE 'สกุล' || number END,
       CASE WHEN fault = 5 THEN 'X' WHEN number %% 2 = 0 THEN 'M' ELSE 'F' END,
       CASE WHEN fault = 6 THEN 'ไม่ทราบ'
           ELSE to_char(born, 'DD/MM/') || (extract(year FROM born)::integer + 543)::text END,
       CASE WHEN fault = 7 THEN 'ป.9' ELSE grade END
FROM (
    SELECT number, number %% 1000 AS fault,
           '1' || lpad((number::bigint * 7919 %% 99999999999)::text, 11, '0') AS first_twelve,
           '1' || lpad(((number - 1)::bigint * 7919 %% 99999999999)::text, 11, '0') AS previous_twelve,
           (ARRAY['ป.1', 'ป.2', 'ป.3', 'ป.4', 'ป.5', 'ป.6', 'ม.1', 'ม.2', 'ม.3', 'ม.4', 'ม.5', 'ม.6'])[number %% 12 + 1]
               AS grade,
           (date '2023-05-16' - make_interval(years => 6 + number %% 12 + CASE WHEN number %% 1000 = 11 THEN 8 ELSE 0 END)
               - make_interval(days => number %% 300))::date AS born
    FROM generate_series(0, %(rows)s - 1) AS number
) AS generated;

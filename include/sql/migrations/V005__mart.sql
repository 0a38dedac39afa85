-- What the plan hands out: the Budget Bureau's student counts, statistics from the individual
-- records, the ranking of offices and the published open-data tables. Each table holds rows per
-- academic year and term, and the function that computes a term replaces that term's rows whole.
-- No foreign keys point at quality or dedup tables, so this schema does not depend on their shape.

-- Students counted for the Budget Bureau, each child once (the counting rule is in docs/outputs.md).
CREATE TABLE mart.budget_count (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    as_of_date date NOT NULL,
    agency text NOT NULL,
    province_code text,
    school_code text NOT NULL,
    school_name text,
    grade text,
    gender text,
    students integer NOT NULL CHECK (students > 0),
    unresolved_duplicate_count integer NOT NULL DEFAULT 0,
    suspected_duplicate_count integer NOT NULL DEFAULT 0,
    UNIQUE NULLS NOT DISTINCT (academic_year, term, agency, school_code, grade, gender)
);

-- Student records the budget count left out, per agency and reason: an open error-severity issue
-- (reason 'error', with its rule id) or an enrolment date after the as-of date.
CREATE TABLE mart.budget_exclusion (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    agency text NOT NULL,
    reason text NOT NULL CHECK (reason IN ('error', 'enrolled_after_as_of')),
    rule_id text,
    records integer NOT NULL,
    UNIQUE NULLS NOT DISTINCT (academic_year, term, agency, reason, rule_id)
);

-- Counted students by every dimension the statistics use; any coarser table is a sum of these rows.
-- `age` is the age in whole years on the term's age reference date (16 May), NULL when the birth
-- date is missing or unreadable.
CREATE TABLE mart.student_statistic (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    region integer,
    province_code text,
    agency text NOT NULL,
    level text,
    grade text,
    gender text,
    age integer,
    students integer NOT NULL,
    UNIQUE NULLS NOT DISTINCT (academic_year, term, province_code, agency, grade, gender, age)
);

CREATE INDEX student_statistic_term ON mart.student_statistic (academic_year, term);

-- Counted students per school, level and gender, for the school tables of the open data.
CREATE TABLE mart.school_statistic (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    school_code text NOT NULL,
    agency text NOT NULL,
    province_code text,
    level text,
    gender text,
    students integer NOT NULL,
    UNIQUE NULLS NOT DISTINCT (academic_year, term, school_code, agency, level, gender)
);

-- Students against the same scope in the previous term: term 1 of year Y compares with term 2 of
-- Y-1, term 2 with term 1 of the same year. The previous_* columns are NULL when that term has no
-- statistics.
CREATE TABLE mart.student_change (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    scope text NOT NULL CHECK (scope IN ('national', 'region', 'province', 'agency', 'level')),
    scope_code text NOT NULL,
    students integer NOT NULL,
    previous_academic_year integer NOT NULL,
    previous_term smallint NOT NULL,
    previous_students integer,
    change integer,
    change_percent numeric(8, 2),
    PRIMARY KEY (academic_year, term, scope, scope_code)
);

-- Students per teacher. `teachers` counts distinct personal IDs in the teachers dataset (teachers
-- and education personnel) whose records have no open error-severity issue.
CREATE TABLE mart.teacher_ratio (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    scope text NOT NULL CHECK (scope IN ('school', 'province', 'agency', 'national')),
    scope_code text NOT NULL,
    students integer NOT NULL,
    teachers integer NOT NULL,
    students_per_teacher numeric(10, 2),
    PRIMARY KEY (academic_year, term, scope, scope_code)
);

-- School size bands by counted students, the bands OBEC uses for its schools. The table lives in
-- the reference schema because it is fixed data, not a term's output.
CREATE TABLE reference.school_size_band (
    size_band text PRIMARY KEY,
    label_th text NOT NULL,
    min_students integer NOT NULL,
    max_students integer,
    sort_order integer NOT NULL
);

INSERT INTO reference.school_size_band (size_band, label_th, min_students, max_students, sort_order) VALUES
    ('no_students', 'ไม่มีนักเรียน', 0, 0, 1),
    ('small', 'ขนาดเล็ก', 1, 120, 2),
    ('medium', 'ขนาดกลาง', 121, 600, 3),
    ('large', 'ขนาดใหญ่', 601, 1500, 4),
    ('extra_large', 'ขนาดใหญ่พิเศษ', 1501, NULL, 5);

-- Every school of the term (in the schools dataset or with counted students) and its size band.
CREATE TABLE mart.school_size (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    school_code text NOT NULL,
    school_name text,
    agency text,
    province_code text,
    students integer NOT NULL,
    size_band text NOT NULL REFERENCES reference.school_size_band,
    PRIMARY KEY (academic_year, term, school_code)
);

-- Provincial and regional offices ranked by how completely they checked their duplicate cases.
-- Shares are NULL and rank is NULL for an office that received no case.
CREATE TABLE mart.office_ranking (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    office_id text NOT NULL,
    office_type text NOT NULL CHECK (office_type IN ('provincial_office', 'regional_office')),
    province_code text,
    region integer,
    office_name_th text NOT NULL,
    cases_received integer NOT NULL,
    cases_resolved integer NOT NULL,
    cases_answered_on_time integer NOT NULL,
    resolved_share numeric(6, 4),
    on_time_share numeric(6, 4),
    rank integer,
    verification_closes_at timestamptz NOT NULL,
    PRIMARY KEY (academic_year, term, office_id)
);

-- The cells of the published open-data tables as published: `value` is NULL where the cell was
-- suppressed, and `suppression` says why (primary: a count of 1 to 4; secondary: protects another
-- suppressed cell of its row or column).
CREATE TABLE mart.published_cell (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    table_name text NOT NULL,
    row_key text NOT NULL,
    column_key text NOT NULL,
    value integer,
    suppression text CHECK (suppression IN ('primary', 'secondary')),
    PRIMARY KEY (academic_year, term, table_name, row_key, column_key),
    CHECK ((value IS NULL) = (suppression IS NOT NULL))
);

-- The plan's documents and area statistics: the ministry's inspection zones, statistics per
-- region, inspection zone, province and district, the results of the area data items that
-- provincial and regional offices define, and the `area` schema of views those items may read.

-- Which inspection zone (เขตตรวจราชการ) each province belongs to. Loaded from
-- include/reference/inspection-zones.csv by exchange.documents.area_statistics before each run.
-- Bangkok belongs to none of the 18 numbered zones and has the zone 'central'.
CREATE TABLE reference.inspection_zone (
    province_code text PRIMARY KEY REFERENCES reference.province,
    inspection_zone text NOT NULL,
    zone_name_th text NOT NULL,
    sort_order integer NOT NULL
);

-- Counted students (each child once, as in mart.student_statistic) per area, level and gender.
-- `area_type` 'national' has the single area code 'all'. A missing level or gender is 'unknown'.
CREATE TABLE mart.area_student_statistic (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    area_type text NOT NULL CHECK (area_type IN ('national', 'region', 'inspection_zone', 'province')),
    area_code text NOT NULL,
    level text NOT NULL,
    gender text NOT NULL,
    students integer NOT NULL,
    PRIMARY KEY (academic_year, term, area_type, area_code, level, gender)
);

-- Schools, their size bands and teachers per area. `teachers` and `staffed_students` cover the
-- schools with at least one counted student and one teacher, as mart.teacher_ratio does.
CREATE TABLE mart.area_school_statistic (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    area_type text NOT NULL CHECK (area_type IN ('national', 'region', 'inspection_zone', 'province')),
    area_code text NOT NULL,
    schools integer NOT NULL,
    schools_without_students integer NOT NULL,
    small_schools integer NOT NULL,
    students integer NOT NULL,
    staffed_students integer NOT NULL,
    teachers integer NOT NULL,
    students_per_teacher numeric(10, 2),
    PRIMARY KEY (academic_year, term, area_type, area_code)
);

-- The cells of the area open-data tables as published, like mart.published_cell (which the
-- ministry-level release replaces whole on each run): `value` is NULL where the cell was
-- suppressed, and `suppression` says why.
CREATE TABLE mart.area_published_cell (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    table_name text NOT NULL,
    row_key text NOT NULL,
    column_key text NOT NULL,
    value integer,
    suppression text CHECK (suppression IN ('primary', 'secondary', 'linked')),
    PRIMARY KEY (academic_year, term, table_name, row_key, column_key),
    CHECK ((value IS NULL) = (suppression IS NOT NULL))
);

-- Every school of the term with its district, counted students and teachers.
CREATE TABLE mart.school_profile (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    school_code text NOT NULL,
    school_name text,
    agency text,
    province_code text,
    district_code text,
    students integer NOT NULL,
    teachers integer NOT NULL,
    size_band text NOT NULL REFERENCES reference.school_size_band,
    PRIMARY KEY (academic_year, term, school_code)
);

-- Counted students per district of the school, agency, grade, gender and age on the age
-- reference date. `district_code` is NULL when the schools dataset gives no known district.
CREATE TABLE mart.district_student_statistic (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    province_code text,
    district_code text,
    agency text NOT NULL,
    level text,
    grade text,
    gender text,
    age integer,
    students integer NOT NULL,
    UNIQUE NULLS NOT DISTINCT (academic_year, term, district_code, province_code, agency, grade, gender, age)
);

-- Children of the previous term, per district of their school then, age on this term's age
-- reference date and gender: how many are on a school's roll this term, how many are in this
-- term's graduates dataset having completed ม.3 or above, and how many are neither. Only
-- children with a valid 13-digit Thai personal ID are followed, because G codes change between
-- schools.
CREATE TABLE mart.district_student_continuity (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    province_code text,
    district_code text,
    age integer,
    gender text,
    previous_students integer NOT NULL,
    enrolled integer NOT NULL,
    completed_lower_secondary integer NOT NULL,
    not_found integer NOT NULL,
    UNIQUE NULLS NOT DISTINCT (academic_year, term, district_code, province_code, age, gender)
);

-- One row per computation of an area data item for a term.
CREATE TABLE mart.area_item_run (
    run_id bigserial PRIMARY KEY,
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    item_name text NOT NULL,
    definition_sha256 text NOT NULL,
    status text NOT NULL CHECK (status IN ('succeeded', 'rejected', 'failed')),
    areas integer NOT NULL DEFAULT 0,
    rows integer NOT NULL DEFAULT 0,
    message text,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz
);

CREATE INDEX area_item_run_term ON mart.area_item_run (academic_year, term, item_name, started_at DESC);

-- The rows an area data item returned for each area, in the query's column order.
CREATE TABLE mart.area_item_value (
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    item_name text NOT NULL,
    area_type text NOT NULL CHECK (area_type IN ('region', 'inspection_zone', 'province')),
    area_code text NOT NULL,
    row_number integer NOT NULL,
    value jsonb NOT NULL,
    run_id bigint NOT NULL REFERENCES mart.area_item_run ON DELETE CASCADE,
    PRIMARY KEY (academic_year, term, item_name, area_type, area_code, row_number)
);

-- The views an area data item may read: reference data and aggregated statistics, no personal
-- column. Views run with their owner's rights, so a reader needs SELECT on these views only.
CREATE SCHEMA area;

CREATE VIEW area.region AS
SELECT region, seat_province_code FROM reference.regional_office;

CREATE VIEW area.inspection_zone AS
SELECT DISTINCT inspection_zone, zone_name_th, sort_order FROM reference.inspection_zone;

CREATE VIEW area.province AS
SELECT province.province_code, province.name_th, province.name_en, province.region, zone.inspection_zone
FROM reference.province AS province
LEFT JOIN reference.inspection_zone AS zone USING (province_code);

CREATE VIEW area.district AS
SELECT district_code, province_code, name_th, name_en FROM reference.district;

CREATE VIEW area.grade AS
SELECT grade, level, level_th, expected_age, sort_order FROM reference.grade;

CREATE VIEW area.agency AS
SELECT agency, affiliation_code, name_th, name_en FROM reference.agency;

CREATE VIEW area.size_band AS
SELECT size_band, label_th, min_students, max_students, sort_order FROM reference.school_size_band;

CREATE VIEW area.student_count AS
SELECT statistic.academic_year, statistic.term, statistic.region, zone.inspection_zone,
       statistic.province_code, statistic.agency, statistic.level, statistic.grade, statistic.gender,
       statistic.age, statistic.students
FROM mart.student_statistic AS statistic
LEFT JOIN reference.inspection_zone AS zone USING (province_code);

CREATE VIEW area.district_student_count AS
SELECT academic_year, term, province_code, district_code, agency, level, grade, gender, age, students
FROM mart.district_student_statistic;

CREATE VIEW area.district_continuity AS
SELECT academic_year, term, province_code, district_code, age, gender, previous_students, enrolled,
       completed_lower_secondary, not_found
FROM mart.district_student_continuity;

CREATE VIEW area.school AS
SELECT academic_year, term, school_code, school_name, agency, province_code, district_code, students,
       teachers, size_band
FROM mart.school_profile;

CREATE VIEW area.teacher_ratio AS
SELECT academic_year, term, scope, scope_code, students, teachers, students_per_teacher
FROM mart.teacher_ratio;

CREATE VIEW area.student_change AS
SELECT academic_year, term, scope, scope_code, students, previous_academic_year, previous_term,
       previous_students, change, change_percent
FROM mart.student_change;

CREATE VIEW area.area_student_count AS
SELECT academic_year, term, area_type, area_code, level, gender, students
FROM mart.area_student_statistic;

CREATE VIEW area.area_school_count AS
SELECT academic_year, term, area_type, area_code, schools, schools_without_students, small_schools,
       students, staffed_students, teachers, students_per_teacher
FROM mart.area_school_statistic;

-- A role that may read the area views and nothing else of the warehouse. Area data items run
-- under it (SET LOCAL ROLE), in a read-only transaction. Roles belong to the whole server, so
-- the role may already exist, for another warehouse on the same server. A server where the
-- migrating user may not create roles gets none, and the items run without it (see
-- docs/documents.md).
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'exchange_area_reader') THEN
        CREATE ROLE exchange_area_reader NOLOGIN NOINHERIT;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'role exchange_area_reader not created: % (area data items run without it)', SQLERRM;
    WHEN duplicate_object OR unique_violation THEN
        NULL;
END
$$;

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'exchange_area_reader') THEN
        GRANT USAGE ON SCHEMA area TO exchange_area_reader;
        GRANT SELECT ON ALL TABLES IN SCHEMA area TO exchange_area_reader;
        ALTER DEFAULT PRIVILEGES IN SCHEMA area GRANT SELECT ON TABLES TO exchange_area_reader;
        IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            EXECUTE format('GRANT exchange_area_reader TO %I', current_user);
        END IF;
    END IF;
EXCEPTION
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'role exchange_area_reader not usable: % (area data items run without it)', SQLERRM;
END
$$;

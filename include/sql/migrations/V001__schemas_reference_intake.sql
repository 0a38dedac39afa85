-- Schemas, reference tables, submission receipts and the normalising functions used by intake.

CREATE SCHEMA IF NOT EXISTS reference;
CREATE SCHEMA IF NOT EXISTS intake;
CREATE SCHEMA IF NOT EXISTS core;
CREATE SCHEMA IF NOT EXISTS quality;
CREATE SCHEMA IF NOT EXISTS dedup;
CREATE SCHEMA IF NOT EXISTS mart;
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE reference.agency (
    agency text PRIMARY KEY,
    affiliation_code text NOT NULL UNIQUE,
    name_th text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE reference.regional_office (
    region integer PRIMARY KEY,
    seat_province_code text NOT NULL
);

CREATE TABLE reference.province (
    province_code text PRIMARY KEY,
    name_th text NOT NULL,
    name_en text NOT NULL,
    region integer NOT NULL REFERENCES reference.regional_office
);

CREATE TABLE reference.district (
    district_code text PRIMARY KEY,
    province_code text NOT NULL REFERENCES reference.province,
    name_th text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE reference.subdistrict (
    subdistrict_code text PRIMARY KEY,
    district_code text NOT NULL REFERENCES reference.district,
    name_th text NOT NULL,
    name_en text NOT NULL
);

CREATE TABLE reference.grade (
    grade text PRIMARY KEY,
    level text NOT NULL,
    level_th text NOT NULL,
    expected_age integer NOT NULL,
    min_age integer NOT NULL,
    max_age integer NOT NULL,
    sort_order integer NOT NULL
);

-- One receipt per file received. At most one accepted submission per agency, dataset and term;
-- older versions stay as 'superseded' and their rows stay in core.
CREATE TABLE intake.submission (
    submission_id bigserial PRIMARY KEY,
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    agency text NOT NULL,
    dataset text NOT NULL,
    as_of_date date,
    file_name text NOT NULL,
    sha256 text NOT NULL,
    bytes bigint NOT NULL,
    rows integer,
    encoding text,
    header_row integer,
    received_at timestamptz NOT NULL,
    on_time boolean,
    status text NOT NULL CHECK (status IN ('accepted', 'rejected', 'superseded')),
    reason text,
    supersedes bigint REFERENCES intake.submission,
    loaded_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX submission_one_accepted
    ON intake.submission (academic_year, term, agency, dataset)
    WHERE status = 'accepted';
CREATE UNIQUE INDEX submission_same_file
    ON intake.submission (academic_year, term, agency, dataset, sha256)
    WHERE status <> 'rejected';

CREATE TABLE audit.event (
    event_id bigserial PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    action text NOT NULL,
    subject text NOT NULL,
    detail jsonb NOT NULL DEFAULT '{}'
);

-- Text as agencies type it, made comparable without changing its meaning: zero-width
-- characters removed (translate drops characters that have no replacement), non-breaking
-- and other spaces collapsed, Thai digits to ASCII, NFC. Values with none of these (almost all)
-- take the first branch, which costs one regular-expression test. The functions are plain
-- SQL expressions so PostgreSQL inlines them into the load's INSERT.
CREATE FUNCTION core.clean_text(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN value !~ E'^\\s|\\s$|\\s\\s|[\\t\\n\\r\\u00A0\\u200B-\\u200D\\u2060\\uFEFF๐-๙]|[^\\x01-\\x7F\\u0E00-\\u0E7F]'
            THEN nullif(value, '')
        ELSE nullif(
            btrim(regexp_replace(
                normalize(
                    translate(value, E'\u00A0๐๑๒๓๔๕๖๗๘๙\u200B\u200C\u200D\u2060\uFEFF', ' 0123456789'),
                    NFC),
                '\s+', ' ', 'g')),
            '')
    END
$$;

-- A code (personal ID, G code, school code, grade) with the spaces and dashes people type
-- between its parts removed, and letters upper-cased.
CREATE FUNCTION core.clean_code(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN value ~ '^[0-9A-Z]*$' THEN nullif(value, '')
        ELSE nullif(upper(regexp_replace(core.clean_text(value), '[\s\-]', '', 'g')), '')
    END
$$;

CREATE FUNCTION core.clean_gender(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE lower(core.clean_text(value))
        WHEN 'm' THEN 'M' WHEN 'male' THEN 'M' WHEN '1' THEN 'M' WHEN 'ชาย' THEN 'M'
        WHEN 'f' THEN 'F' WHEN 'female' THEN 'F' WHEN '2' THEN 'F' WHEN 'หญิง' THEN 'F'
        ELSE core.clean_text(value)
    END
$$;

-- The date for a year, month and day, or NULL when there is no such date. Years of 2400 and
-- above are Buddhist Era and lose 543.
CREATE FUNCTION core.date_from_parts(year_number integer, month_number integer, day_number integer)
RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN month_number IS NULL OR month_number NOT BETWEEN 1 AND 12 OR day_number < 1
             OR year_number NOT BETWEEN 1900 AND 2700 THEN NULL
        WHEN day_number <= 28 THEN
            make_date(CASE WHEN year_number >= 2400 THEN year_number - 543 ELSE year_number END,
                      month_number, day_number)
        WHEN day_number <= extract(day FROM make_date(
                CASE WHEN year_number >= 2400 THEN year_number - 543 ELSE year_number END,
                month_number, 1) + interval '1 month - 1 day')::integer THEN
            make_date(CASE WHEN year_number >= 2400 THEN year_number - 543 ELSE year_number END,
                      month_number, day_number)
    END
$$;

-- Dates written with a Thai month name: 10 มิ.ย. 2566, 10 มิถุนายน 2566.
CREATE FUNCTION core.parse_thai_month_date(value text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE STRICT AS $$
DECLARE
    parts text[];
    month_names constant text[] := ARRAY[
        'ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];
    month_full_names constant text[] := ARRAY[
        'มกราคม', 'กุมภาพันธ์', 'มีนาคม', 'เมษายน', 'พฤษภาคม', 'มิถุนายน',
        'กรกฎาคม', 'สิงหาคม', 'กันยายน', 'ตุลาคม', 'พฤศจิกายน', 'ธันวาคม'];
BEGIN
    parts := regexp_match(value, '^(\d{1,2})\s*([^\s\d]+(?:\s[^\s\d]+)?)\s*(\d{4})$');
    IF parts IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN core.date_from_parts(
        parts[3]::integer,
        coalesce(array_position(month_names, replace(parts[2], ' ', '')),
                 array_position(month_full_names, parts[2])),
        parts[1]::integer);
END
$$;

-- A date written the ways Thai agencies write them: 2023-06-10, 2566-06-10, 10/06/2566,
-- 10/06/2023, 10-06-2566, 1.5.2566, 10 มิ.ย. 2566, 10 มิถุนายน 2566. Returns NULL for anything
-- else, including impossible dates such as 31/02/2566.
CREATE FUNCTION core.parse_date(value text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN value ~ '^\d{4}-\d\d-\d\d$' THEN
            core.date_from_parts(left(value, 4)::integer, substr(value, 6, 2)::integer, substr(value, 9, 2)::integer)
        WHEN value ~ '^\d\d/\d\d/\d{4}$' THEN
            core.date_from_parts(right(value, 4)::integer, substr(value, 4, 2)::integer, left(value, 2)::integer)
        WHEN value ~ '^\d{4}-\d{1,2}-\d{1,2}(?:[T ][0-9:.]+)?$' THEN
            core.date_from_parts(split_part(value, '-', 1)::integer, split_part(value, '-', 2)::integer,
                                 split_part(split_part(split_part(value, '-', 3), ' ', 1), 'T', 1)::integer)
        WHEN value ~ '^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{4}$' THEN
            core.date_from_parts(
                (regexp_split_to_array(value, '[/.\-]'))[3]::integer,
                (regexp_split_to_array(value, '[/.\-]'))[2]::integer,
                (regexp_split_to_array(value, '[/.\-]'))[1]::integer)
        ELSE core.parse_thai_month_date(value)
    END
$$;

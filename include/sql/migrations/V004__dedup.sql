-- Duplicate students: cases, the records and schools they cover, where each case was sent,
-- the schools' answers, every status change, the provincial committees' lists and the offices'
-- duplicate-check reports.

-- The outcomes a school may report for a duplicated child. Codes 100 and 201-206 are the ones
-- the ministry used in an earlier cross-affiliation check.
CREATE TABLE reference.duplicate_answer (
    answer_code smallint PRIMARY KEY,
    answer_key text NOT NULL UNIQUE,
    label_th text NOT NULL UNIQUE,
    label_en text NOT NULL UNIQUE
);

INSERT INTO reference.duplicate_answer (answer_code, answer_key, label_th, label_en) VALUES
    (100, 'studying_here', 'กำลังศึกษาอยู่', 'studying here'),
    (201, 'not_found', 'ไม่พบตัว', 'not found'),
    (202, 'graduated', 'สำเร็จการศึกษา', 'graduated'),
    (203, 'moved_or_left', 'ย้ายหรือออกจากสถานศึกษา', 'moved or left'),
    (204, 'unreachable', 'ติดต่อไม่ได้', 'unreachable'),
    (205, 'deceased', 'เสียชีวิต', 'deceased'),
    (206, 'other', 'อื่น ๆ', 'other');

-- True when a value is a Thai personal ID: 13 digits whose last is the check digit of the first
-- twelve (quality.thai_id_check_digit). Not STRICT, so that the planner can inline it; NULL gives
-- false.
CREATE FUNCTION dedup.is_valid_thai_id(value text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN length(value) = 13 AND ltrim(value, '0123456789') = ''
            THEN value::bigint % 10 = quality.thai_id_check_digit(value::bigint / 10)
        ELSE false
    END
$$;

-- A Thai name with the letters that spell one sound folded to one letter, and tone marks and the
-- silent-letter mark removed, so that spellings people confuse (ศ/ษ/ส/ซ, ท/ธ/ถ/ฐ/ฑ/ฒ, ณ/น,
-- พ/ภ/ผ, ค/ฆ/ข, ช/ฉ, ต/ฏ, ด/ฎ, ย/ญ, ร/ล/ฬ, ฟ/ฝ, ห/ฮ) give the same key.
CREATE FUNCTION dedup.thai_name_key(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
    SELECT translate(value, 'ษศซธถฐฑฒณภผฆขฉฏฎญลฬฝฮ่้๊๋์็', 'สสสทททททนพพคคชตดยรรฟห')
$$;

-- One case per child per term. `match_key` keeps a case's id stable when detection runs again:
-- for an exact case it is the shared personal ID, for a suspected case a hash of the sorted
-- school-and-ID pairs of its records.
CREATE TABLE dedup.duplicate_case (
    case_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    academic_year integer NOT NULL,
    term smallint NOT NULL CHECK (term IN (1, 2)),
    kind text NOT NULL CHECK (kind IN ('exact', 'suspected')),
    match_key text NOT NULL,
    match_probability double precision CHECK (match_probability BETWEEN 0 AND 1),
    level text CHECK (level IN ('province', 'region', 'national', 'unknown')),
    status text NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'answered', 'resolved', 'escalated', 'decided', 'closed')),
    confirmed_school_code text,
    escalation_reason text CHECK (escalation_reason IN ('several_schools_studying', 'no_answer', 'incomplete')),
    detected_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (academic_year, term, kind, match_key)
);

CREATE INDEX duplicate_case_term ON dedup.duplicate_case (academic_year, term, status);

-- The student records of a case as last detected. No foreign key to core.students, because a
-- settled case keeps its records after the agency's correction replaces the submission.
CREATE TABLE dedup.case_record (
    case_id bigint NOT NULL REFERENCES dedup.duplicate_case ON DELETE CASCADE,
    submission_id bigint NOT NULL,
    source_row integer NOT NULL,
    school_code text NOT NULL,
    agency text NOT NULL,
    PRIMARY KEY (case_id, submission_id, source_row)
);

-- The schools of a case and where each one is. `province_code` is the school's province in the
-- term's schools dataset, or the province digits of its school code when the school is not there.
CREATE TABLE dedup.case_school (
    case_id bigint NOT NULL REFERENCES dedup.duplicate_case ON DELETE CASCADE,
    school_code text NOT NULL,
    school_name text,
    province_code text,
    region integer,
    agency text NOT NULL,
    PRIMARY KEY (case_id, school_code)
);

-- The offices a case was sent to: provincial_office:PP, regional_office:R, agency:CODE, ict_centre.
CREATE TABLE dedup.case_route (
    case_id bigint NOT NULL REFERENCES dedup.duplicate_case ON DELETE CASCADE,
    office_id text NOT NULL,
    office_type text NOT NULL
        CHECK (office_type IN ('provincial_office', 'regional_office', 'agency', 'ict_centre')),
    province_code text,
    region integer,
    agency text,
    routed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, office_id)
);

CREATE INDEX case_route_office ON dedup.case_route (office_id);

-- Every answer received, oldest first; the latest answer for a school is the one in force.
CREATE TABLE dedup.case_answer (
    answer_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES dedup.duplicate_case ON DELETE CASCADE,
    school_code text NOT NULL,
    answer_code smallint NOT NULL REFERENCES reference.duplicate_answer,
    note text,
    answered_by text NOT NULL,
    answered_at timestamptz NOT NULL DEFAULT now(),
    source_file text,
    source_row integer
);

CREATE INDEX case_answer_case ON dedup.case_answer (case_id, school_code, answered_at);

-- The answer in force for each school of a case: the latest one, whoever gave it.
CREATE VIEW dedup.current_answer AS
SELECT DISTINCT ON (answer.case_id, answer.school_code)
       answer.case_id, answer.school_code, answer.answer_code, answer.note, answer.answered_by,
       answer.answered_at
FROM dedup.case_answer AS answer
JOIN dedup.case_school AS school USING (case_id, school_code)
ORDER BY answer.case_id, answer.school_code, answer.answered_at DESC, answer.answer_id DESC;

-- Every status change of a case: who, when, from which status to which, and why.
CREATE TABLE dedup.case_event (
    event_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id bigint NOT NULL REFERENCES dedup.duplicate_case ON DELETE CASCADE,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor text NOT NULL,
    from_status text,
    to_status text NOT NULL,
    note text
);

CREATE INDEX case_event_case ON dedup.case_event (case_id, occurred_at);

-- The provincial committees that must decide an escalated case: one per province of its schools.
CREATE TABLE dedup.case_committee (
    case_id bigint NOT NULL REFERENCES dedup.duplicate_case ON DELETE CASCADE,
    committee_id text NOT NULL,
    province_code text NOT NULL,
    escalated_at timestamptz NOT NULL,
    decided_by text,
    decided_at timestamptz,
    PRIMARY KEY (case_id, committee_id)
);

-- How completely each provincial and regional office checked its cases in a term, computed
-- when the office reports are written.
CREATE TABLE dedup.office_report (
    academic_year integer NOT NULL,
    term smallint NOT NULL,
    office_id text NOT NULL,
    office_type text NOT NULL CHECK (office_type IN ('provincial_office', 'regional_office')),
    province_code text,
    region integer,
    cases_received integer NOT NULL,
    cases_answered integer NOT NULL,
    cases_answered_on_time integer NOT NULL,
    cases_resolved integer NOT NULL,
    cases_escalated integer NOT NULL,
    cases_decided integer NOT NULL,
    verification_closes_at timestamptz NOT NULL,
    computed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (academic_year, term, office_id)
);

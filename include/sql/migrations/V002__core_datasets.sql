-- One table per dataset: every contract column as normalised text, typed columns derived
-- from them, and the submission and source row each record came from.

CREATE TABLE core.schools (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    school_name text,
    affiliation_code text,
    province_code text,
    district_code text,
    subdistrict_code text,
    education_level text,
    PRIMARY KEY (submission_id, source_row)
);

CREATE TABLE core.students (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    personal_id text,
    prefix text,
    first_name text,
    last_name text,
    gender text,
    birth_date text,
    grade text,
    nationality text,
    enrolment_date text,
    birth_date_value date GENERATED ALWAYS AS (core.parse_date(birth_date)) STORED,
    enrolment_date_value date GENERATED ALWAYS AS (core.parse_date(enrolment_date)) STORED,
    PRIMARY KEY (submission_id, source_row)
);

CREATE TABLE core.teachers (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    personal_id text,
    first_name text,
    last_name text,
    gender text,
    birth_date text,
    position text,
    academic_standing text,
    subject_group text,
    start_date text,
    birth_date_value date GENERATED ALWAYS AS (core.parse_date(birth_date)) STORED,
    start_date_value date GENERATED ALWAYS AS (core.parse_date(start_date)) STORED,
    PRIMARY KEY (submission_id, source_row)
);

CREATE TABLE core.other_personnel (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    personal_id text,
    first_name text,
    last_name text,
    gender text,
    birth_date text,
    position text,
    employment_type text,
    birth_date_value date GENERATED ALWAYS AS (core.parse_date(birth_date)) STORED,
    PRIMARY KEY (submission_id, source_row)
);

CREATE TABLE core.graduates (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    personal_id text,
    first_name text,
    last_name text,
    gender text,
    birth_date text,
    grade_completed text,
    graduation_year text,
    birth_date_value date GENERATED ALWAYS AS (core.parse_date(birth_date)) STORED,
    PRIMARY KEY (submission_id, source_row)
);

CREATE TABLE core.curricula (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    curriculum_code text,
    curriculum_name text,
    education_level text,
    programme_type text,
    PRIMARY KEY (submission_id, source_row)
);

CREATE TABLE core.academic_results (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    personal_id text,
    result_year text,
    grade text,
    gpa text,
    PRIMARY KEY (submission_id, source_row)
);

CREATE TABLE core.land (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    deed_type text,
    deed_number text,
    area_rai text,
    area_ngan text,
    area_square_wa text,
    ownership text,
    PRIMARY KEY (submission_id, source_row)
);

CREATE INDEX students_personal_id ON core.students (personal_id);
CREATE INDEX students_school_code ON core.students (school_code);
CREATE INDEX schools_school_code ON core.schools (school_code);

-- The records in force: those of each agency's accepted submission for the dataset and term.
CREATE VIEW core.current_schools AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.schools AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

CREATE VIEW core.current_students AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.students AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

CREATE VIEW core.current_teachers AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.teachers AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

CREATE VIEW core.current_other_personnel AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.other_personnel AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

CREATE VIEW core.current_graduates AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.graduates AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

CREATE VIEW core.current_curricula AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.curricula AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

CREATE VIEW core.current_academic_results AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.academic_results AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

CREATE VIEW core.current_land AS
SELECT submission.academic_year, submission.term, submission.agency, record.*
FROM core.land AS record
JOIN intake.submission AS submission USING (submission_id)
WHERE submission.status = 'accepted';

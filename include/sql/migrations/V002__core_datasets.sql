-- One table per dataset: every contract column as normalised text, typed columns derived
-- from them, and the submission and source row each record came from.
--
-- (submission_id, source_row) identifies a record. It is unique by construction, because a load
-- inserts the rows of one new submission in one transaction, so it is indexed with BRIN rather
-- than a B-tree: rows arrive in that order, and a B-tree on 12 million rows would cost more than
-- the load itself. Queries over a term scan and hash-join; they need no other index.

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
    CONSTRAINT schools_source_row_positive CHECK (source_row > 0)
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
    CONSTRAINT students_source_row_positive CHECK (source_row > 0)
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
    CONSTRAINT teachers_source_row_positive CHECK (source_row > 0)
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
    CONSTRAINT other_personnel_source_row_positive CHECK (source_row > 0)
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
    CONSTRAINT graduates_source_row_positive CHECK (source_row > 0)
);

CREATE TABLE core.curricula (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    curriculum_code text,
    curriculum_name text,
    education_level text,
    programme_type text,
    CONSTRAINT curricula_source_row_positive CHECK (source_row > 0)
);

CREATE TABLE core.academic_results (
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    source_row integer NOT NULL,
    school_code text,
    personal_id text,
    result_year text,
    grade text,
    gpa text,
    CONSTRAINT academic_results_source_row_positive CHECK (source_row > 0)
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
    CONSTRAINT land_source_row_positive CHECK (source_row > 0)
);

CREATE INDEX schools_record ON core.schools USING brin (submission_id, source_row);
CREATE INDEX students_record ON core.students USING brin (submission_id, source_row);
CREATE INDEX teachers_record ON core.teachers USING brin (submission_id, source_row);
CREATE INDEX other_personnel_record ON core.other_personnel USING brin (submission_id, source_row);
CREATE INDEX graduates_record ON core.graduates USING brin (submission_id, source_row);
CREATE INDEX curricula_record ON core.curricula USING brin (submission_id, source_row);
CREATE INDEX academic_results_record ON core.academic_results USING brin (submission_id, source_row);
CREATE INDEX land_record ON core.land USING brin (submission_id, source_row);

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

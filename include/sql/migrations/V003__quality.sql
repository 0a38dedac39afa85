-- The ministry's rules and what they found: the rule catalogue (loaded from the Great Expectations
-- suites under include/expectations/), one row per validation run of a submission, one issue row
-- per failing record, column and rule, and the views that read them.

-- The check digit of a Thai personal ID from its first twelve digits, given as a number: with
-- d1..d12 the digits, s = sum(d_i * (14 - i)) and the check digit is (11 - s mod 11) mod 10.
-- One SQL expression, so the planner inlines it into the queries that call it.
CREATE FUNCTION quality.thai_id_check_digit(first_twelve_digits bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((11 - (
          first_twelve_digits / 100000000000 % 10 * 13
        + first_twelve_digits / 10000000000 % 10 * 12
        + first_twelve_digits / 1000000000 % 10 * 11
        + first_twelve_digits / 100000000 % 10 * 10
        + first_twelve_digits / 10000000 % 10 * 9
        + first_twelve_digits / 1000000 % 10 * 8
        + first_twelve_digits / 100000 % 10 * 7
        + first_twelve_digits / 10000 % 10 * 6
        + first_twelve_digits / 1000 % 10 * 5
        + first_twelve_digits / 100 % 10 * 4
        + first_twelve_digits / 10 % 10 * 3
        + first_twelve_digits % 10 * 2
    ) % 11) % 10)::integer
$$;

-- True unless the value is 13 ASCII digits whose last digit is not the check digit of the first
-- twelve. Other shapes (G codes, typos of the wrong length) and NULL pass, because the format
-- and required-value rules report them.
CREATE FUNCTION quality.thai_id_check_digit_matches(personal_id text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN length(personal_id) = 13 AND ltrim(personal_id, '0123456789') = ''
            THEN personal_id::bigint % 10 = quality.thai_id_check_digit(personal_id::bigint / 10)
        ELSE true
    END
$$;

-- What a personal ID value is: 'thai_id' (13 digits with the right check digit),
-- 'thai_id_wrong_check_digit' (13 digits, wrong last digit), 'g_code' (G and 12 digits, which
-- have no check digit) or 'unrecognised' (anything else); NULL when the value is NULL. The
-- frames compute it once per row, so the format and check-digit rules cost one evaluation.
CREATE FUNCTION quality.personal_id_kind(personal_id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN personal_id IS NULL THEN NULL
        WHEN length(personal_id) <> 13 THEN 'unrecognised'
        WHEN ltrim(personal_id, '0123456789') = '' THEN
            CASE WHEN personal_id::bigint % 10 = quality.thai_id_check_digit(personal_id::bigint / 10)
                 THEN 'thai_id' ELSE 'thai_id_wrong_check_digit' END
        WHEN left(personal_id, 1) = 'G' AND ltrim(substr(personal_id, 2), '0123456789') = '' THEN 'g_code'
        ELSE 'unrecognised'
    END
$$;

-- A value as a correction package shows it: a personal ID keeps only its first and last
-- character (1-xxxx-xxxxx-xx-5 for a 13-digit ID), a name its first letter, a date only a
-- 4-digit year written in it. `kind` is 'personal_id', 'name' or 'date' for personal columns and
-- NULL for the others, which are shown as they are.
CREATE FUNCTION quality.masked_value(kind text, value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN value IS NULL OR kind IS NULL THEN value
        WHEN kind = 'personal_id' AND value ~ '^[0-9]{13}$'
            THEN left(value, 1) || '-xxxx-xxxxx-xx-' || right(value, 1)
        WHEN kind = 'personal_id' AND length(value) > 2
            THEN left(value, 1) || repeat('x', length(value) - 2) || right(value, 1)
        WHEN kind = 'name' THEN left(value, 1) || '***'
        WHEN kind = 'date' THEN coalesce(substring(value FROM '[0-9]{4}'), '***')
        ELSE repeat('x', length(value))
    END
$$;

-- One row per rule id, copied from the suites' expectation `meta` each time a suite runs, so SQL
-- (correction packages, views) can read the Thai and English wording.
CREATE TABLE quality.rule (
    rule_id text PRIMARY KEY,
    dataset text NOT NULL,
    column_name text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('error', 'query')),
    message_th text NOT NULL,
    message_en text NOT NULL,
    fix_th text NOT NULL,
    fix_en text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per validation of a submission by its dataset's suite. `detail` keeps, per
-- expectation, its rule id, column and the count of unexpected rows Great Expectations reported.
CREATE TABLE quality.validation_run (
    run_id bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    suite_name text NOT NULL,
    suite_sha256 text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    success boolean,
    expectations_evaluated integer,
    expectations_failed integer,
    issues_open integer,
    issues_resolved integer,
    data_docs_path text,
    detail jsonb NOT NULL DEFAULT '{}'
);

CREATE INDEX validation_run_submission ON quality.validation_run (submission_id, started_at DESC);

-- One row per failing record, column and rule. A later run of the same submission updates the
-- row (run_id, resolved_at) instead of adding another, so re-validating is idempotent. An issue
-- that a later run no longer finds, or that a correcting version of the file no longer has,
-- gets resolved_at and stays, so the correction rate can be measured.
CREATE TABLE quality.issue (
    issue_id bigserial PRIMARY KEY,
    submission_id bigint NOT NULL REFERENCES intake.submission ON DELETE CASCADE,
    run_id bigint NOT NULL REFERENCES quality.validation_run ON DELETE CASCADE,
    source_row integer NOT NULL,
    column_name text NOT NULL,
    rule_id text NOT NULL,
    severity text NOT NULL CHECK (severity IN ('error', 'query')),
    detected_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz,
    CONSTRAINT issue_once UNIQUE (submission_id, source_row, column_name, rule_id)
);

CREATE INDEX issue_run ON quality.issue (run_id);

-- Open issues of accepted submissions, with the submission's term, agency, dataset and file and
-- the rule's wording.
CREATE VIEW quality.open_issue AS
SELECT submission.academic_year, submission.term, submission.agency, submission.dataset,
       submission.file_name, issue.issue_id, issue.submission_id, issue.run_id, issue.source_row,
       issue.column_name, issue.rule_id, issue.severity, issue.detected_at,
       rule.message_th, rule.message_en, rule.fix_th, rule.fix_en
FROM quality.issue AS issue
JOIN intake.submission AS submission USING (submission_id)
LEFT JOIN quality.rule AS rule USING (rule_id)
WHERE submission.status = 'accepted' AND issue.resolved_at IS NULL;

-- Per term and agency, the share of issues that were resolved, either by re-validation or by a
-- corrected version of the file. Open issues count only in the accepted version, because an
-- issue still present after a correction is counted again in the correcting version.
CREATE VIEW quality.agency_correction AS
SELECT submission.academic_year, submission.term, submission.agency,
       count(*) FILTER (WHERE issue.resolved_at IS NOT NULL) AS issues_resolved,
       count(*) FILTER (WHERE issue.resolved_at IS NULL AND submission.status = 'accepted') AS issues_open,
       round(
           count(*) FILTER (WHERE issue.resolved_at IS NOT NULL)::numeric
           / nullif(count(*) FILTER (WHERE issue.resolved_at IS NOT NULL
                                       OR (issue.resolved_at IS NULL AND submission.status = 'accepted')), 0),
           4) AS correction_rate
FROM quality.issue AS issue
JOIN intake.submission AS submission USING (submission_id)
GROUP BY submission.academic_year, submission.term, submission.agency;

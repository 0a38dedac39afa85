-- Audit events for the public releases whose code records none: the ministry-level open data
-- (mart.published_cell), the area open data (mart.area_published_cell) and the office ranking
-- (mart.office_ranking). Intake, answer import, work packages, office reports, correction
-- packages and the budget export record their own events through exchange.audit.record.
--
-- A statement-level trigger adds one event per term that a statement wrote rows for, with the
-- number of rows. A release inserts its rows in several statements of one transaction, so the
-- trigger adds to the event that the same transaction already recorded (same action, subject and
-- occurred_at, whose default now() is the transaction's start) instead of adding another.
-- The open data's cells are stored after its files are written, so its event follows the files;
-- the ranking is stored before its files are written, so its event means "computed".
CREATE FUNCTION audit.record_release() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    written record;
BEGIN
    FOR written IN
        SELECT academic_year || '/' || term AS subject, count(*) AS rows
        FROM released_rows
        GROUP BY academic_year, term
        ORDER BY 1
    LOOP
        UPDATE audit.event
        SET detail = jsonb_set(detail, '{rows}', to_jsonb((detail->>'rows')::bigint + written.rows))
        WHERE action = TG_ARGV[0] AND subject = written.subject AND occurred_at = now();
        IF NOT FOUND THEN
            INSERT INTO audit.event (actor, action, subject, detail)
            VALUES ('ict_centre', TG_ARGV[0], written.subject,
                    jsonb_build_object('table', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'rows', written.rows));
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER published_cell_audit
AFTER INSERT ON mart.published_cell
REFERENCING NEW TABLE AS released_rows
FOR EACH STATEMENT EXECUTE FUNCTION audit.record_release('open_data_published');

CREATE TRIGGER area_published_cell_audit
AFTER INSERT ON mart.area_published_cell
REFERENCING NEW TABLE AS released_rows
FOR EACH STATEMENT EXECUTE FUNCTION audit.record_release('area_open_data_published');

CREATE TRIGGER office_ranking_audit
AFTER INSERT ON mart.office_ranking
REFERENCING NEW TABLE AS released_rows
FOR EACH STATEMENT EXECUTE FUNCTION audit.record_release('office_ranking_computed');

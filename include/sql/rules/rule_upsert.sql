-- Inserts or updates one rule of the catalogue with its severity and wording, as a suite's
-- expectation meta states them.
INSERT INTO quality.rule (rule_id, dataset, column_name, severity, message_th, message_en, fix_th, fix_en)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (rule_id) DO UPDATE SET
    dataset = EXCLUDED.dataset, column_name = EXCLUDED.column_name, severity = EXCLUDED.severity,
    message_th = EXCLUDED.message_th, message_en = EXCLUDED.message_en,
    fix_th = EXCLUDED.fix_th, fix_en = EXCLUDED.fix_en, updated_at = now()

-- Resolves the submission's open issues that a validation run did not find again: the run
-- rewrote every issue it found with its own run_id. Parameters: submission_id, run_id.
UPDATE quality.issue
SET resolved_at = now()
WHERE submission_id = %(submission_id)s AND resolved_at IS NULL AND run_id <> %(run_id)s

-- Store the valid rows of one answer file, in file order, skipping a row that repeats the answer
-- and note this office already gave for that school. Parameters: office_id, answered_at, source_file.
INSERT INTO dedup.case_answer (case_id, school_code, answer_code, note, answered_by, answered_at,
                               source_file, source_row)
SELECT answer.case_id, answer.school_code, answer.answer_code, answer.note, %(office_id)s,
       %(answered_at)s, %(source_file)s, answer.source_row
FROM answer_row AS answer
WHERE answer.problem IS NULL
  AND NOT EXISTS (
      SELECT 1
      FROM (
          SELECT previous.answer_code, previous.note
          FROM dedup.case_answer AS previous
          WHERE previous.case_id = answer.case_id
            AND previous.school_code = answer.school_code
            AND previous.answered_by = %(office_id)s
          ORDER BY previous.answered_at DESC, previous.answer_id DESC
          LIMIT 1
      ) AS latest
      WHERE latest.answer_code = answer.answer_code AND latest.note IS NOT DISTINCT FROM answer.note
  )
ORDER BY answer.source_row;

-- A receipt for one generated benchmark submission, accepted, without a file behind it.
-- Parameters: academic_year, term, dataset.
INSERT INTO intake.submission (academic_year, term, agency, dataset, file_name, sha256, bytes, received_at, status)
VALUES (%(academic_year)s, %(term)s, 'OBEC', %(dataset)s, 'bench/' || %(dataset)s || '.csv', 'bench-' || %(dataset)s,
        0, now(), 'accepted')
RETURNING submission_id

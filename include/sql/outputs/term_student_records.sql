-- Per agency, the term's accepted student records and how many of them the counts could use
-- (eligible_student). Parameters: academic_year, term.
SELECT student.agency, count(*)::integer AS records,
       count(eligible.source_row)::integer AS eligible_records
FROM core.current_students AS student
LEFT JOIN eligible_student AS eligible USING (submission_id, source_row)
WHERE student.academic_year = %(academic_year)s AND student.term = %(term)s
GROUP BY student.agency
ORDER BY student.agency;

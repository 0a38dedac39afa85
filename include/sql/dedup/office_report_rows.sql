-- The term's office reports with the office's Thai name, provincial offices after the regional
-- office of their region. Parameters: academic_year, term.
SELECT report.office_id,
       CASE report.office_type
           WHEN 'provincial_office' THEN 'สำนักงานศึกษาธิการจังหวัด' || province.name_th
           ELSE 'สำนักงานศึกษาธิการภาค ' || report.region
       END AS office_name,
       report.office_type,
       report.region,
       report.cases_received,
       report.cases_answered,
       report.cases_answered_on_time,
       report.cases_resolved,
       report.cases_escalated,
       report.cases_decided,
       report.verification_closes_at
FROM dedup.office_report AS report
LEFT JOIN reference.province AS province USING (province_code)
WHERE report.academic_year = %(academic_year)s AND report.term = %(term)s
ORDER BY report.region, report.office_type DESC, report.office_id;

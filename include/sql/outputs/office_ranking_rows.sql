-- The ranking of one term for the files: ranked offices first, then those that received no case.
-- Parameters: academic_year, term.
SELECT CASE office_type WHEN 'provincial_office' THEN 'ศธจ.' ELSE 'ศธภ.' END AS office_type_th,
       rank, office_id, office_name_th, cases_received, cases_resolved, cases_answered_on_time,
       round(100 * resolved_share, 2) AS resolved_percent, round(100 * on_time_share, 2) AS on_time_percent
FROM mart.office_ranking
WHERE academic_year = %(academic_year)s AND term = %(term)s
ORDER BY office_type, rank NULLS LAST, coalesce(province_code::integer, region);

-- Levels of education in grade order, with their Thai names.
SELECT level, min(level_th) AS level_th
FROM reference.grade
GROUP BY level
ORDER BY min(sort_order);

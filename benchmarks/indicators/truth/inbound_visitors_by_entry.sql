-- inbound_visitors_by_entry (truth): inbound visitors (`visitors`) entering Malaysia on a local
-- day of the period, by entry point (the id in generator/data/entry_points.csv) and day of
-- entry.
SELECT 'inbound_visitors_by_entry' AS indicator,
       'entry_point' AS zone_level,
       v.entry_point AS zone_id,
       d.t_start AS t_start,
       d.t_start + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(DISTINCT v.person_id) AS DOUBLE) AS value
FROM visitors AS v JOIN days AS d ON CAST(v.entry_date AS DATE) = d.day
WHERE v.kind = 'inbound'
GROUP BY v.entry_point, d.t_start

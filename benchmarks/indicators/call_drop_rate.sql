-- call_drop_rate: dropped / (answered + dropped) voice call legs per district of the first
-- serving cell and local day; districts and days without an answered or dropped leg are left out.
SELECT 'call_drop_rate' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(SUM(CASE WHEN result = 'dropped' THEN 1 ELSE 0 END) AS DOUBLE)
           / CAST(COUNT(*) AS DOUBLE) AS value
FROM (
    SELECT zone, result, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM cdr_located
    WHERE record_type IN ('MOC', 'MTC') AND result IN ('answered', 'dropped')
      AND zone IS NOT NULL
) AS legs
GROUP BY zone, day

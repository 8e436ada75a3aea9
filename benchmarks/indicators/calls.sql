-- calls: voice call legs (MOC and MTC records) of the operator's subscribers per district of
-- the first serving cell and local day.
SELECT 'calls' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM (
    SELECT zone, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM cdr_located
    WHERE record_type IN ('MOC', 'MTC') AND zone IS NOT NULL
) AS legs
GROUP BY zone, day

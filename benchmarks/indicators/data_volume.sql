-- data_volume: bytes up plus down of packet-gateway records per district of the serving cell
-- and local day of the record's start.
SELECT 'data_volume' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(SUM(bytes_up + bytes_down) AS DOUBLE) AS value
FROM (
    SELECT zone, bytes_up, bytes_down, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM ip_located
    WHERE zone IS NOT NULL
) AS records
GROUP BY zone, day

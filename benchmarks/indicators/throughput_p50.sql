-- throughput_p50: median over packet-gateway records of (bytes up + down) × 8 / duration,
-- in bit/s, per district of the serving cell and local day; records of zero duration are
-- left out.
SELECT 'throughput_p50' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       median(bits_per_s) AS value
FROM (
    SELECT zone,
           CAST(bytes_up + bytes_down AS DOUBLE) * 8.0 / CAST(end_s - start_s AS DOUBLE) AS bits_per_s,
           ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM ip_located
    WHERE zone IS NOT NULL AND end_s > start_s
) AS records
GROUP BY zone, day

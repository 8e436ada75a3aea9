-- low_throughput_share: share of packet-gateway records of positive duration whose throughput
-- (bytes up + down) × 8 / duration is under a threshold, per district of the serving cell and
-- local day of the record's start. Output: breakdown_key 'threshold', breakdown_value the
-- threshold in bit/s: '1000000' (1 Mbit/s) and '5000000' (5 Mbit/s).
WITH records AS (
    SELECT zone,
           CAST(bytes_up + bytes_down AS DOUBLE) * 8.0 / CAST(end_s - start_s AS DOUBLE) AS bits_per_s,
           ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM ip_located
    WHERE zone IS NOT NULL AND end_s > start_s
      AND bytes_up IS NOT NULL AND bytes_down IS NOT NULL
),
thresholds AS (
    SELECT column1 AS threshold, column2 AS bits_per_s
    FROM (VALUES ('1000000', 1000000.0), ('5000000', 5000000.0)) AS v
)
SELECT 'low_throughput_share' AS indicator,
       'district' AS zone_level,
       r.zone AS zone_id,
       r.day AS t_start,
       r.day + 86400 AS t_end,
       'threshold' AS breakdown_key,
       t.threshold AS breakdown_value,
       CAST(SUM(CASE WHEN r.bits_per_s < t.bits_per_s THEN 1 ELSE 0 END) AS DOUBLE)
           / CAST(COUNT(*) AS DOUBLE) AS value
FROM records AS r CROSS JOIN thresholds AS t
GROUP BY r.zone, r.day, t.threshold

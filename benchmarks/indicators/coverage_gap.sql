-- coverage_gap: share of subscriber-hours with 2G service only, per district and local day. A
-- subscriber-hour is a (subscriber, district, clock hour) with a packet-gateway record
-- overlapping the hour at a cell of the district; it is a gap when every such record's rat is
-- 2G. Records without a rat (a release that dropped it) are left out. The local day is the
-- hour's.
WITH hours AS (
    SELECT subscriber, zone, rat,
           unnest(generate_series(start_s / 3600, GREATEST(end_s - 1, start_s) / 3600)) AS h
    FROM ip_located
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL AND rat IS NOT NULL
),
subscriber_hours AS (
    SELECT zone, h * 3600 AS start_s,
           MIN(CASE WHEN rat = '2G' THEN 1 ELSE 0 END) AS gap
    FROM hours
    GROUP BY subscriber, zone, h
)
SELECT 'coverage_gap' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(SUM(gap) AS DOUBLE) / CAST(COUNT(*) AS DOUBLE) AS value
FROM (
    SELECT zone, gap, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM subscriber_hours
) AS s
GROUP BY zone, day

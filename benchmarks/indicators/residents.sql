-- residents: subscribers by home district over the whole period. A subscriber's home is the
-- district of most of their night-time events (22:00–06:00 local time, UTC+8); ties go to
-- the smallest district code. Output: one row per district, t_start/t_end = the period.
WITH night AS (
    SELECT subscriber, zone, COUNT(*) AS n
    FROM events
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL
      AND ((start_s + 28800) % 86400 < 21600 OR (start_s + 28800) % 86400 >= 79200)
    GROUP BY subscriber, zone
),
home AS (
    SELECT zone, ROW_NUMBER() OVER (PARTITION BY subscriber ORDER BY n DESC, zone) AS r
    FROM night
)
SELECT 'residents' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM home CROSS JOIN period AS p
WHERE r = 1
GROUP BY zone, p.t_start, p.t_end

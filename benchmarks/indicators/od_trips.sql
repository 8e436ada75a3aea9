-- od_trips: directed trips between districts per local day. A trip is a change of district
-- between a subscriber's consecutive events (ordered by start time); it counts on the local
-- day of the event that arrives. Output: zone_id = origin district,
-- breakdown_key = 'destination', breakdown_value = destination district.
WITH seq AS (
    SELECT start_s, zone,
           LAG(zone) OVER (PARTITION BY subscriber ORDER BY start_s, zone) AS origin
    FROM events
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL
),
moves AS (
    SELECT origin, zone AS destination, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM seq
    WHERE origin IS NOT NULL AND origin <> zone
)
SELECT 'od_trips' AS indicator,
       'district' AS zone_level,
       origin AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       'destination' AS breakdown_key,
       destination AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM moves
GROUP BY origin, destination, day

-- present_population: distinct subscribers seen in a district during a clock hour — a call,
-- SMS or data record whose [start, end) overlaps the hour at a cell of the district.
-- Output: one row per (district, hour).
SELECT 'present_population' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       h * 3600 AS t_start,
       h * 3600 + 3600 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(DISTINCT subscriber) AS DOUBLE) AS value
FROM (
    SELECT subscriber, zone, unnest(generate_series(start_s / 3600, (end_s - 1) / 3600)) AS h
    FROM events
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL
) AS hours
GROUP BY zone, h

-- od_trips (truth): directed trips between districts per local day: a target person's
-- consecutive stays in different districts, counted on the local day the second stay starts
-- (stays abroad left out: a commute to Singapore and back is no trip between districts).
WITH seq AS (
    SELECT to_unixtime(t.start_time) AS start_s, t.district_code AS zone,
           LAG(t.district_code) OVER (PARTITION BY t.person_id ORDER BY t.start_time, t.seq)
               AS origin
    FROM trajectories AS t JOIN target_persons AS p ON t.person_id = p.person_id
    WHERE t.kind = 'stay' AND t.district_code IN (SELECT zone FROM district_areas)
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

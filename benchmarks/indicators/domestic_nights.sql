-- domestic_nights: nights of the overnight trips of resident subscribers (records not roaming
-- inbound) outside their usual environment, by destination district and origin state, over the
-- period.
-- Usual environment: the home district, as `residents` detects it (the district of most
-- night-time events, 22:00–06:00 local time, ties to the smallest code). A night is the
-- evening's local day; its district is that of most of the night's events (ties to the
-- smallest code). A trip is a run of observed nights of the period away from home with no
-- observed night at home between them; its destination is the district of most of its
-- nights (ties to the smallest code), its nights those from its first to its last observed
-- night (unobserved nights between them included), its origin state the home district's state
-- (the code before '_'). Output: breakdown_key 'origin_state', t_start/t_end = the period.
WITH located AS (
    SELECT subscriber, start_s, zone FROM cdr_located
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL AND COALESCE(roaming, '') <> 'inbound'
    UNION ALL
    SELECT subscriber, start_s, zone FROM ip_located
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL AND COALESCE(roaming, '') <> 'inbound'
),
night_events AS (
    SELECT subscriber, zone, (start_s + 28800 - 79200) / 86400 AS night
    FROM located
    WHERE (start_s + 28800) % 86400 < 21600 OR (start_s + 28800) % 86400 >= 79200
),
home AS (
    SELECT subscriber, zone FROM (
        SELECT subscriber, zone,
               ROW_NUMBER() OVER (PARTITION BY subscriber ORDER BY n DESC, zone) AS r
        FROM (SELECT subscriber, zone, COUNT(*) AS n FROM night_events
              GROUP BY subscriber, zone) AS counted
    ) AS ranked
    WHERE r = 1
),
nights AS (
    SELECT subscriber, night, zone FROM (
        SELECT subscriber, night, zone,
               ROW_NUMBER() OVER (PARTITION BY subscriber, night ORDER BY n DESC, zone) AS r
        FROM (SELECT e.subscriber, e.night, e.zone, COUNT(*) AS n
              FROM night_events AS e CROSS JOIN period AS p
              WHERE e.night BETWEEN p.start_day AND p.end_day
              GROUP BY e.subscriber, e.night, e.zone) AS counted
    ) AS ranked
    WHERE r = 1
),
runs AS (
    SELECT n.subscriber, n.night, n.zone, h.zone AS home, n.zone <> h.zone AS away,
           ROW_NUMBER() OVER (PARTITION BY n.subscriber ORDER BY n.night)
           - ROW_NUMBER() OVER (PARTITION BY n.subscriber, n.zone <> h.zone ORDER BY n.night)
           AS run
    FROM nights AS n JOIN home AS h ON n.subscriber = h.subscriber
),
destinations AS (
    SELECT subscriber, run, zone FROM (
        SELECT subscriber, run, zone,
               ROW_NUMBER() OVER (PARTITION BY subscriber, run ORDER BY n DESC, zone) AS r
        FROM (SELECT subscriber, run, zone, COUNT(*) AS n FROM runs WHERE away
              GROUP BY subscriber, run, zone) AS counted
    ) AS ranked
    WHERE r = 1
),
trips AS (
    SELECT subscriber, run, MIN(home) AS home, MAX(night) - MIN(night) + 1 AS nights
    FROM runs WHERE away
    GROUP BY subscriber, run
)
SELECT 'domestic_nights' AS indicator,
       'district' AS zone_level,
       d.zone AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       'origin_state' AS breakdown_key,
       split_part(t.home, '_', 1) AS breakdown_value,
       CAST(SUM(t.nights) AS DOUBLE) AS value
FROM trips AS t
JOIN destinations AS d ON t.subscriber = d.subscriber AND t.run = d.run
CROSS JOIN period AS p
GROUP BY d.zone, split_part(t.home, '_', 1), p.t_start, p.t_end

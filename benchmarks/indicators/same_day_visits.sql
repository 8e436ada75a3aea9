-- same_day_visits: visitors seen in a district outside their usual environment on a local day
-- without spending a night there, by district and day; breakdown 'origin': 'domestic' or
-- 'inbound'.
-- Domestic (records not roaming inbound; subscribers with a home): the usual environment is the
-- home district, as `residents` detects it (the district of most night-time events, 22:00–06:00
-- local time, ties to the smallest code), and every district the subscriber is seen in on at
-- least half of the period's days (a workplace, a school); a visit to a district on day d is same-day when the
-- district is not that of the night before (evening of d − 1) or of the night after (evening
-- of d), a night's district being that of most of its events (ties to the smallest code).
-- Inbound: roamers (roaming = 'inbound') whose records all fall on one local day of the
-- period, in every district they are seen in.
WITH located AS (
    SELECT subscriber, start_s, zone, roaming FROM cdr_located
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL
    UNION ALL
    SELECT subscriber, start_s, zone, roaming FROM ip_located
    WHERE zone IS NOT NULL AND subscriber IS NOT NULL
),
resident AS (
    SELECT subscriber, start_s, zone FROM located WHERE COALESCE(roaming, '') <> 'inbound'
),
night_events AS (
    SELECT subscriber, zone, (start_s + 28800 - 79200) / 86400 AS night
    FROM resident
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
        FROM (SELECT subscriber, night, zone, COUNT(*) AS n FROM night_events
              GROUP BY subscriber, night, zone) AS counted
    ) AS ranked
    WHERE r = 1
),
seen AS (
    SELECT DISTINCT subscriber, zone, (start_s + 28800) / 86400 AS day FROM resident
),
regular AS (
    SELECT s.subscriber, s.zone
    FROM seen AS s CROSS JOIN period AS p
    GROUP BY s.subscriber, s.zone, p.start_day, p.end_day
    HAVING 2 * COUNT(*) >= p.end_day - p.start_day + 1
),
domestic AS (
    SELECT s.zone, s.day, s.subscriber
    FROM seen AS s
    JOIN home AS h ON s.subscriber = h.subscriber
    LEFT JOIN regular AS g ON s.subscriber = g.subscriber AND s.zone = g.zone
    LEFT JOIN nights AS n
      ON s.subscriber = n.subscriber AND s.zone = n.zone
     AND (n.night = s.day - 1 OR n.night = s.day)
    WHERE s.zone <> h.zone AND g.subscriber IS NULL AND n.subscriber IS NULL
),
one_day_roamers AS (
    SELECT subscriber FROM located WHERE roaming = 'inbound'
    GROUP BY subscriber
    HAVING MIN((start_s + 28800) / 86400) = MAX((start_s + 28800) / 86400)
),
inbound AS (
    SELECT DISTINCT l.zone, (l.start_s + 28800) / 86400 AS day, l.subscriber
    FROM located AS l JOIN one_day_roamers AS o ON l.subscriber = o.subscriber
    WHERE l.roaming = 'inbound'
),
visits AS (
    SELECT zone, day, subscriber, 'domestic' AS origin FROM domestic
    UNION ALL
    SELECT zone, day, subscriber, 'inbound' AS origin FROM inbound
)
SELECT 'same_day_visits' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day * 86400 - 28800 AS t_start,
       day * 86400 - 28800 + 86400 AS t_end,
       'origin' AS breakdown_key,
       origin AS breakdown_value,
       CAST(COUNT(DISTINCT subscriber) AS DOUBLE) AS value
FROM visits
GROUP BY zone, day, origin

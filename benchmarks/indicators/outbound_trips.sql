-- outbound_trips: trips abroad of the operator's subscribers with at least one night of the
-- period, by destination country (the country of the visited network's MCC). Nights abroad as
-- in outbound_nights; a trip is a run of consecutive nights in one country, counted once (a
-- trip whose earlier nights fall before the period counts from its first night in it).
-- Same-day trips (Johor commuters) are not trips abroad here.
-- Output: zone_level 'country', zone_id the ISO alpha-3 code, t_start/t_end = the period.
WITH places AS (
    SELECT r.subscriber, r.start_s,
           CASE WHEN r.roaming = 'outbound' THEN COALESCE(m.country, '?') ELSE '' END AS place
    FROM roaming_events AS r
    LEFT JOIN mcc_country AS m ON substr(r.visited_plmn, 1, 3) = m.mcc
    WHERE r.subscriber IS NOT NULL
),
local_days AS (
    SELECT subscriber, (start_s + 28800) / 86400 AS day,
           first_value(place ORDER BY start_s, place) AS first_place,
           last_value(place ORDER BY start_s, place) AS last_place
    FROM places
    GROUP BY subscriber, (start_s + 28800) / 86400
),
nights AS (
    SELECT a.subscriber, a.day AS night, a.last_place AS country
    FROM local_days AS a
    JOIN local_days AS b ON a.subscriber = b.subscriber AND b.day = a.day + 1
    CROSS JOIN period AS p
    WHERE a.last_place <> '' AND a.last_place = b.first_place
      AND a.day >= p.start_day AND a.day < p.end_day
),
starts AS (
    SELECT n.country
    FROM nights AS n
    LEFT JOIN nights AS prev
      ON prev.subscriber = n.subscriber AND prev.night = n.night - 1
     AND prev.country = n.country
    WHERE prev.subscriber IS NULL
)
SELECT 'outbound_trips' AS indicator,
       'country' AS zone_level,
       s.country AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM starts AS s CROSS JOIN period AS p
GROUP BY s.country, p.t_start, p.t_end

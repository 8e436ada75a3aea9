-- outbound_nights: nights the operator's subscribers spend abroad (records roaming outbound), by
-- destination country (the country of the visited network's MCC), over the period. The night
-- of local day d is spent in country C when the subscriber's last record of day d and first
-- record of day d + 1 are both roaming on networks of C, with no record at home between them:
-- so Johor commuters, back every evening, spend no night abroad. Nights of the period: d from
-- its first day to the day before its last (the last night ends after the period).
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
)
SELECT 'outbound_nights' AS indicator,
       'country' AS zone_level,
       n.country AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM nights AS n CROSS JOIN period AS p
GROUP BY n.country, p.t_start, p.t_end

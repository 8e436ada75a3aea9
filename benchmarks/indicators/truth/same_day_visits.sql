-- same_day_visits (truth): persons staying in a district outside their usual environment on a
-- local day without spending a night there, by district and day; breakdown 'origin'.
-- Domestic: target residents (`persons`) with a stay (`trajectories`) in the district that day,
-- when the district is neither their home district nor one where they stay on at least half
-- of the period's days (a workplace, a school), and they have no lodging stay there that day
-- (the nights of a trip: arrival evening, departure morning and the days between).
-- Inbound: inbound visitors (`visitors`) with no night in Malaysia (nights = 0) entering on a
-- day of the period, in the districts of their stays that day (the entry point's included).
WITH stays AS (
    SELECT t.person_id, t.district_code AS zone, t.purpose, d.day, d.t_start
    FROM trajectories AS t
    JOIN days AS d
      ON to_unixtime(t.start_time) < d.t_start + 86400
     AND to_unixtime(t.end_time) > d.t_start
    WHERE t.kind = 'stay' AND t.district_code IN (SELECT zone FROM district_areas)
),
resident_stays AS (
    SELECT s.person_id, s.zone, s.purpose, s.day, s.t_start, h.home_district_code AS home
    FROM stays AS s
    JOIN persons AS h ON s.person_id = h.person_id
    JOIN target_persons AS tp ON s.person_id = tp.person_id
),
regular AS (
    SELECT r.person_id, r.zone
    FROM (SELECT DISTINCT person_id, zone, day FROM resident_stays) AS r CROSS JOIN period AS p
    GROUP BY r.person_id, r.zone, p.start_day, p.end_day
    HAVING 2 * COUNT(*) >= p.end_day - p.start_day + 1
),
lodging AS (
    SELECT DISTINCT person_id, zone, day FROM resident_stays WHERE purpose = 'lodging'
),
domestic AS (
    SELECT DISTINCT s.zone, s.t_start, s.person_id
    FROM resident_stays AS s
    LEFT JOIN regular AS g ON s.person_id = g.person_id AND s.zone = g.zone
    LEFT JOIN lodging AS l ON s.person_id = l.person_id AND s.zone = l.zone AND s.day = l.day
    WHERE s.zone <> s.home AND g.person_id IS NULL AND l.person_id IS NULL
),
inbound AS (
    SELECT DISTINCT s.zone, s.t_start, s.person_id
    FROM stays AS s JOIN visitors AS v ON s.person_id = v.person_id
    WHERE v.kind = 'inbound' AND v.nights = 0
),
visits AS (
    SELECT zone, t_start, person_id, 'domestic' AS origin FROM domestic
    UNION ALL
    SELECT zone, t_start, person_id, 'inbound' AS origin FROM inbound
)
SELECT 'same_day_visits' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       t_start,
       t_start + 86400 AS t_end,
       'origin' AS breakdown_key,
       origin AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM visits
GROUP BY zone, t_start, origin

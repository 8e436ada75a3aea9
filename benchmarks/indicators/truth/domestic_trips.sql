-- domestic_trips (truth): trips in Malaysia of target residents (`trips`, not of kind
-- outbound) whose destination district is not their home district (the usual environment)
-- with at least one night in the period, by destination district and origin state (the home
-- district code before '_'). A trip spends the night of local day d away when it arrives
-- before the midnight ending d and leaves on a later day.
WITH nights AS (
    SELECT t.person_id, t.depart_time, t.destination_district_code AS zone,
           split_part(t.origin_district_code, '_', 1) AS origin_state
    FROM trips AS t
    JOIN target_persons AS tp ON t.person_id = tp.person_id
    JOIN days AS d
      ON to_unixtime(t.arrive_time) < d.t_start + 86400
     AND to_unixtime(t.leave_time) >= d.t_start + 86400
    WHERE t.destination_district_code <> t.origin_district_code AND t.kind <> 'outbound'
),
trips_away AS (
    SELECT DISTINCT person_id, depart_time, zone, origin_state FROM nights
)
SELECT 'domestic_trips' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       'origin_state' AS breakdown_key,
       origin_state AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM trips_away CROSS JOIN period AS p
GROUP BY zone, origin_state, p.t_start, p.t_end

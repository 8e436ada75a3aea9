-- outbound_trips (truth): trips abroad (`trips` of kind outbound) of target residents with at
-- least one night of the period (nights as in outbound_nights), by destination country.
WITH away AS (
    SELECT DISTINCT t.person_id, t.depart_time, t.destination_district_code AS country
    FROM trips AS t
    JOIN target_persons AS tp ON t.person_id = tp.person_id
    JOIN days AS d
      ON to_unixtime(t.arrive_time) < d.t_start + 86400
     AND to_unixtime(t.leave_time) >= d.t_start + 86400
    CROSS JOIN period AS p
    WHERE t.kind = 'outbound' AND d.t_start + 86400 < p.t_end
)
SELECT 'outbound_trips' AS indicator,
       'country' AS zone_level,
       a.country AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM away AS a CROSS JOIN period AS p
GROUP BY a.country, p.t_start, p.t_end

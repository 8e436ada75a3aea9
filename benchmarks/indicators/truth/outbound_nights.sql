-- outbound_nights (truth): nights of the period target residents spend on trips abroad
-- (`trips` of kind outbound), by destination country. A trip spends the night of local day d
-- abroad when it arrives at its lodging before the midnight ending d and leaves it on a later
-- day; nights of the period as in the view (d before the period's last day).
SELECT 'outbound_nights' AS indicator,
       'country' AS zone_level,
       t.destination_district_code AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM trips AS t
JOIN target_persons AS tp ON t.person_id = tp.person_id
JOIN days AS d
  ON to_unixtime(t.arrive_time) < d.t_start + 86400
 AND to_unixtime(t.leave_time) >= d.t_start + 86400
CROSS JOIN period AS p
WHERE t.kind = 'outbound' AND d.t_start + 86400 < p.t_end
GROUP BY t.destination_district_code, p.t_start, p.t_end

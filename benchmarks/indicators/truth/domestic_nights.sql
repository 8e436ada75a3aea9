-- domestic_nights (truth): nights of the period that target residents spend on trips in
-- Malaysia (`trips`, not of kind outbound) whose destination district is not their home
-- district (the usual environment), by destination district and origin state (the home
-- district code before '_'). A trip spends the night of local day d away when it arrives
-- before the midnight ending d and leaves on a later day.
SELECT 'domestic_nights' AS indicator,
       'district' AS zone_level,
       t.destination_district_code AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       'origin_state' AS breakdown_key,
       split_part(t.origin_district_code, '_', 1) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM trips AS t
JOIN target_persons AS tp ON t.person_id = tp.person_id
JOIN days AS d
  ON to_unixtime(t.arrive_time) < d.t_start + 86400
 AND to_unixtime(t.leave_time) >= d.t_start + 86400
CROSS JOIN period AS p
WHERE t.destination_district_code <> t.origin_district_code AND t.kind <> 'outbound'
GROUP BY t.destination_district_code, split_part(t.origin_district_code, '_', 1),
         p.t_start, p.t_end

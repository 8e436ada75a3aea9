-- present_population (truth): distinct target persons whose trajectory (stays and moves,
-- district of the stay or of the move's destination) overlaps a district during a clock hour;
-- time abroad (a country code instead of a district) is in no district.
SELECT 'present_population' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       h * 3600 AS t_start,
       h * 3600 + 3600 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(DISTINCT person_id) AS DOUBLE) AS value
FROM (
    SELECT t.person_id, t.district_code AS zone,
           unnest(generate_series(to_unixtime(t.start_time) / 3600,
                                  (to_unixtime(t.end_time) - 1) / 3600)) AS h
    FROM trajectories AS t JOIN target_persons AS p ON t.person_id = p.person_id
    WHERE t.district_code IN (SELECT zone FROM district_areas)
) AS hours
GROUP BY zone, h

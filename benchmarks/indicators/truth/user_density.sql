-- user_density (truth): the truth present_population (distinct target persons whose trajectory
-- overlaps the district during the clock hour) divided by the district's official land area.
SELECT 'user_density' AS indicator,
       'district' AS zone_level,
       p.zone AS zone_id,
       p.h * 3600 AS t_start,
       p.h * 3600 + 3600 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(p.n AS DOUBLE) / a.area_km2 AS value
FROM (
    SELECT zone, h, COUNT(DISTINCT person_id) AS n
    FROM (
        SELECT t.person_id, t.district_code AS zone,
               unnest(generate_series(to_unixtime(t.start_time) / 3600,
                                      (to_unixtime(t.end_time) - 1) / 3600)) AS h
        FROM trajectories AS t JOIN target_persons AS tp ON t.person_id = tp.person_id
    ) AS hours
    GROUP BY zone, h
) AS p JOIN district_areas AS a ON p.zone = a.zone

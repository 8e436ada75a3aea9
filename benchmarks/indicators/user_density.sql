-- user_density: present population per km² — present_population (distinct subscribers with a
-- record overlapping the clock hour in the district) divided by the district's official land
-- area (district_areas, from the generator's public district table). Output: one row per
-- (district, hour); districts without an area are left out.
SELECT 'user_density' AS indicator,
       'district' AS zone_level,
       p.zone AS zone_id,
       p.h * 3600 AS t_start,
       p.h * 3600 + 3600 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(p.n AS DOUBLE) / a.area_km2 AS value
FROM (
    SELECT zone, h, COUNT(DISTINCT subscriber) AS n
    FROM (
        SELECT subscriber, zone, unnest(generate_series(start_s / 3600, (end_s - 1) / 3600)) AS h
        FROM events
        WHERE zone IS NOT NULL AND subscriber IS NOT NULL
    ) AS hours
    GROUP BY zone, h
) AS p JOIN district_areas AS a ON p.zone = a.zone

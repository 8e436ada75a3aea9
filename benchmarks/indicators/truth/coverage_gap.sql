-- coverage_gap (truth): share of target persons' hours without 4G or 5G coverage, per district
-- and local day. A person-hour is a (person, district, clock hour) the person's trajectory
-- overlaps (district of the stay or of the move's destination, as present_population); a
-- segment's position is its end point (a stay's place, a move's destination). A position is
-- covered when a 4G or 5G cell of the target operator's network (the view's cells) has its
-- site within reach: 2 km of an urban site, 8 km of a rural one (the generator's
-- FALLBACK_REACH_KM, the edge of an LTE macro cell). The hour is a gap when none of its
-- segments' positions in the district is covered (2G only, or no service). Distances are
-- equirectangular on a sphere of radius 6371 km; sites are matched to positions through a
-- 0.1° grid (a site is listed in its square and the eight around it, wider than 8 km).
WITH covering AS (
    SELECT DISTINCT lat, lon, CASE WHEN environment = 'rural' THEN 8.0 ELSE 2.0 END AS reach_km
    FROM cells
    WHERE technology IN ('4G', '5G') AND lat IS NOT NULL AND lon IS NOT NULL
),
near AS (
    SELECT c.lat, c.lon, c.reach_km,
           CAST(floor(c.lat * 10.0) AS BIGINT) + d.dy AS gy,
           CAST(floor(c.lon * 10.0) AS BIGINT) + d.dx AS gx
    FROM covering AS c CROSS JOIN (
        SELECT column1 AS dy, column2 AS dx FROM (VALUES
            (-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 0), (0, 1), (1, -1), (1, 0), (1, 1)) AS v
    ) AS d
),
segments AS (
    SELECT t.person_id, t.district_code AS zone, t.end_lat AS lat, t.end_lon AS lon,
           to_unixtime(t.start_time) AS s, to_unixtime(t.end_time) AS e
    FROM trajectories AS t JOIN target_persons AS tp ON t.person_id = tp.person_id
    WHERE t.district_code IN (SELECT zone FROM district_areas)
),
positions AS (
    SELECT DISTINCT lat, lon FROM segments
),
covered AS (
    SELECT DISTINCT p.lat, p.lon
    FROM positions AS p JOIN near AS n
      ON CAST(floor(p.lat * 10.0) AS BIGINT) = n.gy AND CAST(floor(p.lon * 10.0) AS BIGINT) = n.gx
    WHERE (p.lat - n.lat) * (p.lat - n.lat) * 111.195 * 111.195
        + (p.lon - n.lon) * (p.lon - n.lon) * 111.195 * 111.195
          * cos(radians((p.lat + n.lat) / 2.0)) * cos(radians((p.lat + n.lat) / 2.0))
        <= n.reach_km * n.reach_km
),
hours AS (
    SELECT s.person_id, s.zone, CASE WHEN c.lat IS NULL THEN 1 ELSE 0 END AS gap,
           unnest(generate_series(s.s / 3600, (s.e - 1) / 3600)) AS h
    FROM segments AS s LEFT JOIN covered AS c ON s.lat = c.lat AND s.lon = c.lon
),
person_hours AS (
    SELECT zone, h * 3600 AS start_s, MIN(gap) AS gap
    FROM hours
    GROUP BY person_id, zone, h
)
SELECT 'coverage_gap' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(SUM(gap) AS DOUBLE) / CAST(COUNT(*) AS DOUBLE) AS value
FROM (
    SELECT zone, gap, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM person_hours
) AS s
GROUP BY zone, day

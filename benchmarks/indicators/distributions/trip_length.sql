-- Trip length, km: distance between the positions of a subscriber's consecutive events
-- (ordered by start time) in different districts. Same log-spaced bins as the radius of
-- gyration.
WITH seq AS (
    SELECT zone, lat, lon,
           LAG(zone) OVER (PARTITION BY subscriber ORDER BY start_s, zone, lat, lon) AS pzone,
           LAG(lat) OVER (PARTITION BY subscriber ORDER BY start_s, zone, lat, lon) AS plat,
           LAG(lon) OVER (PARTITION BY subscriber ORDER BY start_s, zone, lat, lon) AS plon
    FROM events
    WHERE subscriber IS NOT NULL AND zone IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL
),
trips AS (
    SELECT sqrt(power((lon - plon) * 111.32 * cos(radians((lat + plat) / 2)), 2)
                + power((lat - plat) * 110.57, 2)) AS km
    FROM seq
    WHERE pzone IS NOT NULL AND pzone <> zone
)
SELECT CAST(LEAST(floor(2 * log2(1 + km)), 40) AS BIGINT) AS bin, COUNT(*) AS n
FROM trips
GROUP BY 1

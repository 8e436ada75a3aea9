-- Radius of gyration per subscriber, km: root mean square distance of the positions of their
-- events (cell site, or district centroid) from their mean position (equirectangular, the
-- longitude scaled at the mean latitude). One aggregation, no join: the mean square distance
-- from the mean is the mean square minus the squared mean, per coordinate (positions are
-- taken relative to 3°N 102°E to keep the difference exact enough).
-- Histogram over log-spaced bins: bin = floor(2 × log2(1 + km)), capped at 40.
WITH m AS (
    SELECT AVG(lat - 3.0) AS mlat, AVG(lon - 102.0) AS mlon,
           AVG(power(lat - 3.0, 2)) AS mlat2, AVG(power(lon - 102.0, 2)) AS mlon2
    FROM events
    WHERE subscriber IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL
    GROUP BY subscriber
),
g AS (
    SELECT sqrt(GREATEST(0.0,
               power(111.32 * cos(radians(mlat + 3.0)), 2) * (mlon2 - mlon * mlon)
               + power(110.57, 2) * (mlat2 - mlat * mlat))) AS km
    FROM m
)
SELECT CAST(LEAST(floor(2 * log2(1 + km)), 40) AS BIGINT) AS bin, COUNT(*) AS n
FROM g
GROUP BY 1

-- Radius of gyration per subscriber, km: root mean square distance of the positions of their
-- events (cell site, or district centroid) from their mean position (equirectangular).
-- Histogram over log-spaced bins: bin = floor(2 × log2(1 + km)), capped at 40.
WITH e AS (
    SELECT subscriber, lat, lon FROM events
    WHERE subscriber IS NOT NULL AND lat IS NOT NULL AND lon IS NOT NULL
),
c AS (
    SELECT subscriber, AVG(lat) AS mlat, AVG(lon) AS mlon FROM e GROUP BY subscriber
),
g AS (
    SELECT e.subscriber,
           sqrt(AVG(power((e.lon - c.mlon) * 111.32 * cos(radians(c.mlat)), 2)
                    + power((e.lat - c.mlat) * 110.57, 2))) AS km
    FROM e JOIN c ON e.subscriber = c.subscriber
    GROUP BY e.subscriber
)
SELECT CAST(LEAST(floor(2 * log2(1 + km)), 40) AS BIGINT) AS bin, COUNT(*) AS n
FROM g
GROUP BY 1

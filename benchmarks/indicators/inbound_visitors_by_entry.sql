-- inbound_visitors_by_entry: inbound roamers (roaming = 'inbound') by the entry point nearest
-- to where their first record of the period is located (the cell's site, or the district's
-- centroid), counted on that record's local day, when the entry point is within 10 km of it (a
-- roamer first seen elsewhere arrived before the period or used the phone only later, and is
-- not counted). Distances equirectangular on a 6371 km sphere; ties to the smallest id.
-- Output: zone_level 'entry_point', zone_id the id in generator/data/entry_points.csv.
WITH roamers AS (
    SELECT subscriber, start_s, lat, lon FROM cdr_located
    WHERE roaming = 'inbound' AND subscriber IS NOT NULL AND lat IS NOT NULL
    UNION ALL
    SELECT subscriber, start_s, lat, lon FROM ip_located
    WHERE roaming = 'inbound' AND subscriber IS NOT NULL AND lat IS NOT NULL
),
first_seen AS (
    SELECT subscriber, start_s, lat, lon FROM (
        SELECT subscriber, start_s, lat, lon,
               ROW_NUMBER() OVER (PARTITION BY subscriber ORDER BY start_s, lat, lon) AS r
        FROM roamers
    ) AS ranked
    WHERE r = 1
),
distances AS (
    SELECT f.subscriber, f.start_s, e.entry_point,
           power(f.lat - e.lat, 2)
           + power((f.lon - e.lon) * cos(radians((f.lat + e.lat) / 2)), 2) AS degrees2
    FROM first_seen AS f CROSS JOIN entry_points AS e
),
nearest AS (
    SELECT subscriber, start_s, entry_point, 6371.0 * radians(sqrt(degrees2)) AS km FROM (
        SELECT subscriber, start_s, entry_point, degrees2,
               ROW_NUMBER() OVER (PARTITION BY subscriber ORDER BY degrees2, entry_point) AS r
        FROM distances
    ) AS ranked
    WHERE r = 1
)
SELECT 'inbound_visitors_by_entry' AS indicator,
       'entry_point' AS zone_level,
       entry_point AS zone_id,
       ((start_s + 28800) / 86400) * 86400 - 28800 AS t_start,
       ((start_s + 28800) / 86400) * 86400 - 28800 + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM nearest
WHERE km <= 10.0
GROUP BY entry_point, ((start_s + 28800) / 86400) * 86400 - 28800

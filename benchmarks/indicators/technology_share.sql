-- technology_share: share of packet-gateway records by radio access technology (rat: 2G, 4G
-- or 5G) per district of the serving cell and local day of the record's start. Output:
-- breakdown_key 'rat', breakdown_value the technology; a technology without records in a
-- district-day has no row. Records without a rat (a release that dropped it) are left out.
WITH records AS (
    SELECT zone, rat, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM ip_located
    WHERE zone IS NOT NULL AND rat IS NOT NULL
)
SELECT 'technology_share' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       'rat' AS breakdown_key,
       rat AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE)
           / CAST(SUM(COUNT(*)) OVER (PARTITION BY zone, day) AS DOUBLE) AS value
FROM records
GROUP BY zone, day, rat

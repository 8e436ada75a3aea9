-- inbound_visitors: distinct inbound roamers (records with roaming = 'inbound') seen per local
-- day, by the country of their IMSI's mobile country code. Output: zone_level 'country',
-- zone_id 'MYS', breakdown_key 'origin_country', breakdown_value ISO alpha-3.
WITH roamers AS (
    SELECT subscriber, imsi, start_s FROM cdr_located WHERE roaming = 'inbound'
    UNION ALL
    SELECT subscriber, imsi, start_s FROM ip_located WHERE roaming = 'inbound'
)
SELECT 'inbound_visitors' AS indicator,
       'country' AS zone_level,
       'MYS' AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       'origin_country' AS breakdown_key,
       country AS breakdown_value,
       CAST(COUNT(DISTINCT subscriber) AS DOUBLE) AS value
FROM (
    SELECT r.subscriber, m.country, ((r.start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM roamers AS r JOIN mcc_country AS m ON substr(r.imsi, 1, 3) = m.mcc
) AS seen
GROUP BY country, day

-- inbound_nights: nights spent in the country by inbound roamers over the period, by the
-- country of their IMSI's mobile country code: per roamer, local days from the first to the
-- last record. Output: zone_level 'country', zone_id 'MYS', t_start/t_end = the period.
WITH roamers AS (
    SELECT subscriber, imsi, start_s FROM cdr_located WHERE roaming = 'inbound'
    UNION ALL
    SELECT subscriber, imsi, start_s FROM ip_located WHERE roaming = 'inbound'
),
stays AS (
    SELECT m.country,
           (MAX(r.start_s + 28800) / 86400) - (MIN(r.start_s + 28800) / 86400) AS nights
    FROM roamers AS r JOIN mcc_country AS m ON substr(r.imsi, 1, 3) = m.mcc
    GROUP BY r.subscriber, m.country
)
SELECT 'inbound_nights' AS indicator,
       'country' AS zone_level,
       'MYS' AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       'origin_country' AS breakdown_key,
       country AS breakdown_value,
       CAST(SUM(nights) AS DOUBLE) AS value
FROM stays CROSS JOIN period AS p
GROUP BY country, p.t_start, p.t_end

-- inbound_visitors (truth): inbound visitors in the country per local day (entry date to exit
-- date inclusive), by origin country.
SELECT 'inbound_visitors' AS indicator,
       'country' AS zone_level,
       'MYS' AS zone_id,
       d.t_start AS t_start,
       d.t_start + 86400 AS t_end,
       'origin_country' AS breakdown_key,
       v.origin_country AS breakdown_value,
       CAST(COUNT(DISTINCT v.person_id) AS DOUBLE) AS value
FROM visitors AS v JOIN days AS d
  ON CAST(v.entry_date AS DATE) <= d.day AND CAST(v.exit_date AS DATE) >= d.day
WHERE v.kind = 'inbound'
GROUP BY v.origin_country, d.t_start

-- inbound_nights (truth): nights inbound visitors spend in the country within the period, by
-- origin country: per visitor, the nights from entry to exit date, both clipped to the
-- period's days (as the operator view can only see nights between days of the period).
SELECT 'inbound_nights' AS indicator,
       'country' AS zone_level,
       'MYS' AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       'origin_country' AS breakdown_key,
       v.origin_country AS breakdown_value,
       CAST(SUM(GREATEST(0,
           LEAST(to_unixtime(v.exit_date) / 86400, p.end_day)
           - GREATEST(to_unixtime(v.entry_date) / 86400, p.start_day)))
           AS DOUBLE) AS value
FROM visitors AS v CROSS JOIN period AS p
WHERE v.kind = 'inbound'
GROUP BY v.origin_country, p.t_start, p.t_end

-- dropped_session_share: share of packet-gateway records closed by a loss of service
-- (closing_cause = 'radio_loss'; the others are normal, cell_change and time_limit) per
-- district of the serving cell and local day of the record's start. Records without a closing
-- cause (a release that dropped it) are left out.
SELECT 'dropped_session_share' AS indicator,
       'district' AS zone_level,
       zone AS zone_id,
       day AS t_start,
       day + 86400 AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(SUM(CASE WHEN closing_cause = 'radio_loss' THEN 1 ELSE 0 END) AS DOUBLE)
           / CAST(COUNT(*) AS DOUBLE) AS value
FROM (
    SELECT zone, closing_cause, ((start_s + 28800) / 86400) * 86400 - 28800 AS day
    FROM ip_located
    WHERE zone IS NOT NULL AND closing_cause IS NOT NULL
) AS records
GROUP BY zone, day

-- residents (truth): target persons by home district, over the whole period.
SELECT 'residents' AS indicator,
       'district' AS zone_level,
       h.home_district_code AS zone_id,
       p.t_start AS t_start,
       p.t_end AS t_end,
       CAST(NULL AS VARCHAR) AS breakdown_key,
       CAST(NULL AS VARCHAR) AS breakdown_value,
       CAST(COUNT(*) AS DOUBLE) AS value
FROM persons AS h JOIN target_persons AS t ON h.person_id = t.person_id
CROSS JOIN period AS p
GROUP BY h.home_district_code, p.t_start, p.t_end

-- Events (call and SMS legs plus data records) per subscriber key over the period.
-- Log-spaced bins: bin = floor(2 × log2(1 + events)), capped at 40.
SELECT CAST(LEAST(floor(2 * log2(1 + n_events)), 40) AS BIGINT) AS bin, COUNT(*) AS n
FROM (SELECT subscriber, COUNT(*) AS n_events FROM events WHERE subscriber IS NOT NULL GROUP BY subscriber) AS s
GROUP BY 1

-- Per-period claim counts, one row per user and template (was one per user, template, period kind and period start, V1_20): for
-- each kind (day, ISO week, month of the template's zone) the start of the period the row counts (UTC epoch ms; 0: never) and
-- the claims in it. A claim writes one row whatever the kinds, and a new period starts its kind's count over in the same upsert
-- (SqlPeriodClaims). latest_start, the latest of the three starts, is what the sweep deletes ended rows by (SqlEndedPeriodCounts);
-- the template index serves the Redis counters' rebuild.
CREATE TABLE en_user_period_counts (
    user_id       BIGINT NOT NULL,
    template_id   BIGINT NOT NULL,
    day_start     BIGINT NOT NULL DEFAULT 0,
    day_claimed   INT    NOT NULL DEFAULT 0,
    week_start    BIGINT NOT NULL DEFAULT 0,
    week_claimed  INT    NOT NULL DEFAULT 0,
    month_start   BIGINT NOT NULL DEFAULT 0,
    month_claimed INT    NOT NULL DEFAULT 0,
    latest_start  BIGINT NOT NULL,
    PRIMARY KEY (user_id, template_id),
    KEY ix_en_period_counts_template (template_id),
    KEY ix_en_period_counts_latest (latest_start)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The old rows carried over: of each user, template and kind only the latest period's (no claim reads an earlier one again).
INSERT INTO en_user_period_counts
    (user_id, template_id, day_start, day_claimed, week_start, week_claimed, month_start, month_claimed, latest_start)
SELECT c.user_id, c.template_id,
       MAX(CASE WHEN c.period = 'D' THEN c.period_start ELSE 0 END), MAX(CASE WHEN c.period = 'D' THEN c.claimed ELSE 0 END),
       MAX(CASE WHEN c.period = 'W' THEN c.period_start ELSE 0 END), MAX(CASE WHEN c.period = 'W' THEN c.claimed ELSE 0 END),
       MAX(CASE WHEN c.period = 'M' THEN c.period_start ELSE 0 END), MAX(CASE WHEN c.period = 'M' THEN c.claimed ELSE 0 END),
       MAX(c.period_start)
FROM en_user_period_claims c
JOIN (SELECT user_id, template_id, period, MAX(period_start) AS latest
      FROM en_user_period_claims GROUP BY user_id, template_id, period) l
  ON l.user_id = c.user_id AND l.template_id = c.template_id AND l.period = c.period AND l.latest = c.period_start
GROUP BY c.user_id, c.template_id;

DROP TABLE en_user_period_claims;

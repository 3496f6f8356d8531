-- Per-period claim counts, one row per user and template (see the MySQL dialect).
CREATE TABLE en_user_period_counts (
    user_id       INTEGER NOT NULL,
    template_id   INTEGER NOT NULL,
    day_start     INTEGER NOT NULL DEFAULT 0,
    day_claimed   INTEGER NOT NULL DEFAULT 0,
    week_start    INTEGER NOT NULL DEFAULT 0,
    week_claimed  INTEGER NOT NULL DEFAULT 0,
    month_start   INTEGER NOT NULL DEFAULT 0,
    month_claimed INTEGER NOT NULL DEFAULT 0,
    latest_start  INTEGER NOT NULL,
    PRIMARY KEY (user_id, template_id)
) WITHOUT ROWID;
CREATE INDEX ix_en_period_counts_template ON en_user_period_counts (template_id);
CREATE INDEX ix_en_period_counts_latest ON en_user_period_counts (latest_start);

-- The old rows carried over: of each user, template and kind only the latest period's (see the MySQL dialect).
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

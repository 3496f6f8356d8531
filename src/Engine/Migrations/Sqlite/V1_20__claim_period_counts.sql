-- Per-period claim counts (see the MySQL dialect).
CREATE TABLE en_user_period_claims (
    user_id      INTEGER NOT NULL,
    template_id  INTEGER NOT NULL,
    period       TEXT    NOT NULL,
    period_start INTEGER NOT NULL,
    claimed      INTEGER NOT NULL,
    PRIMARY KEY (user_id, template_id, period, period_start)
) WITHOUT ROWID;
CREATE INDEX ix_en_period_claims_template ON en_user_period_claims (template_id, period, period_start, user_id);

-- A template's IANA time zone (its days, ISO weeks and months) and the optional per-user claim limits per day, week and month
-- in it. Templates from before are UTC with no period limit.
ALTER TABLE ma_coupon_templates ADD COLUMN time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC', ADD COLUMN per_user_daily_limit INT NULL,
    ADD COLUMN per_user_weekly_limit INT NULL, ADD COLUMN per_user_monthly_limit INT NULL;

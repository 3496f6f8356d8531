-- A template's IANA time zone (its days, ISO weeks and months) and the optional per-user claim limits per day, week and month
-- in it. Templates from before are UTC with no period limit.
ALTER TABLE ma_coupon_templates ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE ma_coupon_templates ADD COLUMN per_user_daily_limit INTEGER NULL;
ALTER TABLE ma_coupon_templates ADD COLUMN per_user_weekly_limit INTEGER NULL;
ALTER TABLE ma_coupon_templates ADD COLUMN per_user_monthly_limit INTEGER NULL;

-- TIERED_THRESHOLD templates (满100减10 / 满200减25 / 满300减40): their tiers as JSON, ascending; null for every other type.
ALTER TABLE ma_coupon_templates ADD COLUMN tiers TEXT NULL;

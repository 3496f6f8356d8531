-- The consumed coupons of a stretch of time, for the clearing reconciliation (IConsumedCoupons).
CREATE INDEX ix_en_coupons_consumed ON en_user_coupons (consumed_at);

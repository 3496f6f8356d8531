-- User support reads one coupon's facts (GET /api/v1/operator/clearing/coupons/{couponId}/movements) in seq order.
CREATE INDEX ix_clr_journal_coupon ON clr_journal (user_coupon_id, seq);

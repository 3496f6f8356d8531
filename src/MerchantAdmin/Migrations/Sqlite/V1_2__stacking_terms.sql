-- Stacking terms (settlement): an exclusive coupon combines with no other; priority breaks ties, higher first.
ALTER TABLE ma_coupon_templates ADD COLUMN exclusive INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ma_coupon_templates ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;

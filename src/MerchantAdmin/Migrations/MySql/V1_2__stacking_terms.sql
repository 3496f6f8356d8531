-- Stacking terms (settlement): an exclusive coupon combines with no other; priority breaks ties, higher first.
ALTER TABLE ma_coupon_templates ADD COLUMN exclusive TINYINT NOT NULL DEFAULT 0, ADD COLUMN priority INT NOT NULL DEFAULT 0;

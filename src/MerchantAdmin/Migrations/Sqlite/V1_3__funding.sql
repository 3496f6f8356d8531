-- Who funds a template's discount (clearing): MERCHANT, PLATFORM or SPLIT, and the platform's part in basis points
-- (0, 10000, or 1 to 9999). Templates from before were all the merchant's.
ALTER TABLE ma_coupon_templates ADD COLUMN funding TEXT NOT NULL DEFAULT 'MERCHANT';
ALTER TABLE ma_coupon_templates ADD COLUMN platform_share_bps INTEGER NOT NULL DEFAULT 0;

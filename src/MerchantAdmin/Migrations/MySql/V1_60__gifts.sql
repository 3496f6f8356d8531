-- GIFT templates (docs/gifts.md): the gift as JSON ({"sku":…,"quantity":…,"minQuantity":…}, fixed at creation; null for every other
-- type) and the gift stock, every gift the merchant added so far (0 for every other type). The engine counts what is given and
-- reserved of it (en_budgets, key "g:<templateId>").
ALTER TABLE ma_coupon_templates ADD COLUMN gift TEXT NULL;
ALTER TABLE ma_coupon_templates ADD COLUMN gift_stock BIGINT NOT NULL DEFAULT 0;

-- BUY_X_GET_Y templates (买二送一 / 第二件半价): X (units bought) and Y (units discounted) per group; null for every other type.
ALTER TABLE ma_coupon_templates ADD COLUMN buy_quantity INT NULL;
ALTER TABLE ma_coupon_templates ADD COLUMN get_quantity INT NULL;

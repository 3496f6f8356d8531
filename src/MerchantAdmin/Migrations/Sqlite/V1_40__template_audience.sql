-- The audience a template is for (docs/audiences.md): only its members may claim. NULL: anyone. Fixed at creation.
ALTER TABLE ma_coupon_templates ADD COLUMN audience_id INTEGER NULL;

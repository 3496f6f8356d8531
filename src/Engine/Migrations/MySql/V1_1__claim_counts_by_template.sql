-- Rebuilding a template's claim counters reads every user's count for that template.
CREATE INDEX ix_en_user_claims_template ON en_user_template_claims (template_id, user_id);

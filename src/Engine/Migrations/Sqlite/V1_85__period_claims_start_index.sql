-- The sweep deletes the counts of ended periods by their start (see the MySQL dialect).
CREATE INDEX ix_en_period_claims_start ON en_user_period_claims (period_start);

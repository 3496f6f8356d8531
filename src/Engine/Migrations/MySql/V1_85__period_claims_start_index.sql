-- The sweep deletes the counts of ended periods by their start (SqlEndedPeriodCounts): without this index each batch scans the table.
CREATE INDEX ix_en_period_claims_start ON en_user_period_claims (period_start);

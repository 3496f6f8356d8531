-- The clearing journal's last seq when a day closed: every fact posted in the day or before it has a seq at or below it, so
-- the day's statement is final once the analytic store's watermark reaches it.
ALTER TABLE clr_days ADD COLUMN journal_seq INTEGER NOT NULL DEFAULT 0;

-- No query walks msg_deliveries by (consumer, next_attempt_at) since the due deliveries are found in id order
-- (ix_msg_deliveries_order): the index only cost a write on every delivery recorded, retried and removed.
DROP INDEX ix_msg_deliveries_due ON msg_deliveries;

-- A delivery may carry several events packed (the same format as a packed outbox row: envelopes one per line, Brotli): the
-- relay records one row per consumer per round's worth of its events instead of one per event, and the consumer deletes that
-- one row in the transaction that handles them. Such a row's envelope column is empty and its partition key reads "*"; each
-- event keeps its own. Rows written before this migration carry one event each and are delivered as before.
ALTER TABLE msg_deliveries ADD COLUMN packed MEDIUMBLOB NULL, ADD COLUMN event_count INT NOT NULL DEFAULT 1;

-- A consumer's deliveries in id order: its due ones are found by walking this index and stopping after a round's worth, so a
-- backlog of deliveries (a flash sale's claims) no longer makes every look sort all of them.
CREATE INDEX ix_msg_deliveries_order ON msg_deliveries (consumer, id, next_attempt_at);

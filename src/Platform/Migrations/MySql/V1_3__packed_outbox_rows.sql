-- A command that records many events at once (a claim group commit, a distribution chunk) writes them to one
-- outbox row: event_count of them, as newline-separated envelopes, instead of a row each.
ALTER TABLE msg_outbox ADD COLUMN event_count INT NOT NULL DEFAULT 1;

-- A command that records many events at once writes them to one outbox row (see the MySQL dialect).
ALTER TABLE msg_outbox ADD COLUMN event_count INTEGER NOT NULL DEFAULT 1;

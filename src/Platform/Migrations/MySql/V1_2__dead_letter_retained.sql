-- A PUBLISH dead letter goes back into the outbox on replay: it keeps whether its event is retained in the log.
ALTER TABLE msg_dead_letters ADD COLUMN retained TINYINT NOT NULL DEFAULT 0;

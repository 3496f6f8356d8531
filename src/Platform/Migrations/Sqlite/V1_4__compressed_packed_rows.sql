-- A packed outbox row keeps its envelopes Brotli-compressed here (see the MySQL dialect).
ALTER TABLE msg_outbox ADD COLUMN packed BLOB NULL;

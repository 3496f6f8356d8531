-- A packed outbox row keeps its envelopes Brotli-compressed here (the envelope column is then empty): a
-- distribution chunk's events shrink about tenfold, and the database writes, logs and deletes that much less.
-- Rows packed before this migration keep their text in envelope and are still read.
ALTER TABLE msg_outbox ADD COLUMN packed MEDIUMBLOB NULL;

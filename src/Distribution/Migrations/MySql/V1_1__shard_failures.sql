-- A chunk that keeps failing (not a lost lease, a real error) is counted on its shard and retried after a
-- pause; after the last attempt its task fails instead of running for ever.
ALTER TABLE di_shards ADD COLUMN failures INT NOT NULL DEFAULT 0;
ALTER TABLE di_shards ADD COLUMN last_error TEXT NULL;

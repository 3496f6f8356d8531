-- A chunk that keeps failing is counted on its shard (see the MySQL dialect).
ALTER TABLE di_shards ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE di_shards ADD COLUMN last_error TEXT NULL;

-- A delivery may carry several events packed (see the MySQL dialect).
ALTER TABLE msg_deliveries ADD COLUMN packed BLOB NULL;
ALTER TABLE msg_deliveries ADD COLUMN event_count INTEGER NOT NULL DEFAULT 1;

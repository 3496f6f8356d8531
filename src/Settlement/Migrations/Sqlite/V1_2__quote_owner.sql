-- The service identity that asked for the quote: only it (and its trusted group) may lock it. NULL on quotes from before.
ALTER TABLE st_quotes ADD COLUMN owner TEXT NULL;

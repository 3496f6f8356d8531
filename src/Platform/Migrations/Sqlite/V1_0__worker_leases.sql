-- Which running instance holds which worker number of the time-ordered ids (see the MySQL dialect).
CREATE TABLE host_worker_leases (
    worker_id  INTEGER NOT NULL PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

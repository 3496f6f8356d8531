-- Which running instance holds which worker number of the time-ordered ids: two instances with one
-- number would issue the same ids. A lease lapses unless renewed, so a dead instance frees its number.
CREATE TABLE host_worker_leases (
    worker_id  INT         NOT NULL,
    holder     VARCHAR(80) NOT NULL,
    expires_at BIGINT      NOT NULL,
    PRIMARY KEY (worker_id)
);

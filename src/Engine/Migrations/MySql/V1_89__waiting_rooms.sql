-- The waiting rooms of scheduled drops (docs/waiting-room.md): one row per template that has one, read by primary key (and cached
-- for two seconds per instance) on every claim. The lines themselves are in Redis, or in the process on the embedded default.
CREATE TABLE en_waiting_rooms (
    template_id          BIGINT NOT NULL,
    admit_per_second     INT    NOT NULL,
    admission_minutes    INT    NOT NULL,
    admitted_for_seconds INT    NOT NULL,
    updated_at           BIGINT NOT NULL,
    PRIMARY KEY (template_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- The waiting rooms of scheduled drops (docs/waiting-room.md); same columns as MySQL.
CREATE TABLE en_waiting_rooms (
    template_id          INTEGER NOT NULL PRIMARY KEY,
    admit_per_second     INTEGER NOT NULL,
    admission_minutes    INTEGER NOT NULL,
    admitted_for_seconds INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

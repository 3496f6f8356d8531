-- The Idempotency-Key of state-changing requests (every module's, like the outbox): per caller identity, the request's hash
-- and the first answer. status 0: the change is committed with the key but its answer not recorded yet.
CREATE TABLE host_keyed_requests (
    caller          TEXT    NOT NULL,
    idempotency_key TEXT    NOT NULL,
    request_hash    TEXT    NOT NULL,
    status          INTEGER NOT NULL,
    content_type    TEXT    NULL,
    location        TEXT    NULL,
    body            BLOB    NULL,
    created_at      INTEGER NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
) WITHOUT ROWID;

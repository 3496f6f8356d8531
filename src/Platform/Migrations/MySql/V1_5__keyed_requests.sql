-- The Idempotency-Key of state-changing requests (every module's, like the outbox): per caller identity, the request's hash
-- and the first answer. status 0: the change is committed with the key but its answer not recorded yet.
CREATE TABLE host_keyed_requests (
    caller          VARCHAR(200)  NOT NULL,
    idempotency_key VARCHAR(100)  NOT NULL,
    request_hash    CHAR(64)      NOT NULL,
    status          INT           NOT NULL,
    content_type    VARCHAR(200)  NULL,
    location        VARCHAR(1000) NULL,
    body            MEDIUMBLOB    NULL,
    created_at      BIGINT        NOT NULL,
    PRIMARY KEY (caller, idempotency_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- 预约提醒: reminders before a template's claim window opens, clustered by user ("my reminders").
-- active_template_id is the template while the reminder waits and NULL once sent or cancelled, so a user has at
-- most one waiting reminder per template (NULLs never collide in a unique key) and may set a new one afterwards.
CREATE TABLE en_claim_reminders (
    user_id            BIGINT      NOT NULL,
    id                 BIGINT      NOT NULL,
    template_id        BIGINT      NOT NULL,
    merchant_id        BIGINT      NOT NULL,
    minutes_before     INT         NOT NULL,
    claim_opens_at     BIGINT      NOT NULL,
    status             VARCHAR(16) NOT NULL,
    active_template_id BIGINT      NULL,
    created_at         BIGINT      NOT NULL,
    sent_at            BIGINT      NULL,
    cancelled_at       BIGINT      NULL,
    cancel_reason      VARCHAR(32) NULL,
    version            INT         NOT NULL,
    PRIMARY KEY (user_id, id),
    UNIQUE KEY ux_en_reminders_id (id),
    UNIQUE KEY ux_en_reminders_waiting (user_id, active_template_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

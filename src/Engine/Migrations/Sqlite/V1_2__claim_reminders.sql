-- 预约提醒 (see the MySQL dialect).
CREATE TABLE en_claim_reminders (
    user_id            INTEGER NOT NULL,
    id                 INTEGER NOT NULL,
    template_id        INTEGER NOT NULL,
    merchant_id        INTEGER NOT NULL,
    minutes_before     INTEGER NOT NULL,
    claim_opens_at     INTEGER NOT NULL,
    status             TEXT    NOT NULL,
    active_template_id INTEGER NULL,
    created_at         INTEGER NOT NULL,
    sent_at            INTEGER NULL,
    cancelled_at       INTEGER NULL,
    cancel_reason      TEXT    NULL,
    version            INTEGER NOT NULL,
    PRIMARY KEY (user_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX ux_en_reminders_id ON en_claim_reminders (id);
CREATE UNIQUE INDEX ux_en_reminders_waiting ON en_claim_reminders (user_id, active_template_id);

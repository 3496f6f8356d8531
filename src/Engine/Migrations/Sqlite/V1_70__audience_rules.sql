-- Rule audiences (docs/audiences.md, "Audiences from rules"): an audience whose members a rule over the engine's facts picks.
-- en_audiences.excludes: the members' table holds the users the audience leaves out ("new user", "has not claimed"), since the
-- users a negation takes in cannot be listed; the claim gates invert their probe for such an audience.
ALTER TABLE en_audiences ADD COLUMN excludes INTEGER NOT NULL DEFAULT 0;

-- One rule per rule audience, fixed at creation (see the MySQL migration for the columns).
CREATE TABLE en_audience_rules (
    audience_id  INTEGER NOT NULL PRIMARY KEY,
    merchant_id  INTEGER NOT NULL,
    kind         TEXT    NOT NULL,
    template_id  INTEGER NULL,
    days         INTEGER NULL,
    min_orders   INTEGER NULL,
    evaluated_at INTEGER NULL
);
CREATE INDEX ix_en_audience_rules_merchant ON en_audience_rules (merchant_id, audience_id);
CREATE INDEX ix_en_audience_rules_template ON en_audience_rules (template_id);

-- What the engine knows of a user with a merchant, fed by events (CONSUMED: ref the user coupon id; SETTLED: ref the order id),
-- written once per fact.
CREATE TABLE en_audience_facts (
    merchant_id INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    ref         TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    PRIMARY KEY (merchant_id, user_id, kind, ref)
) WITHOUT ROWID;
CREATE INDEX ix_en_audience_facts_recent ON en_audience_facts (merchant_id, kind, at);

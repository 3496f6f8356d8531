-- Rule audiences (docs/audiences.md, "Audiences from rules"): an audience whose members a rule over the engine's facts picks.
-- en_audiences.excludes: the members' table holds the users the audience leaves out ("new user", "has not claimed"), since the
-- users a negation takes in cannot be listed; the claim gates invert their probe for such an audience.
ALTER TABLE en_audiences ADD COLUMN excludes TINYINT NOT NULL DEFAULT 0;

-- One rule per rule audience, fixed at creation. template_id for the claimed/not-claimed rules, days and min_orders for the
-- settled-orders rule. evaluated_at: when the whole rule was last evaluated (the sweep's freshness).
CREATE TABLE en_audience_rules (
    audience_id  BIGINT      NOT NULL,
    merchant_id  BIGINT      NOT NULL,
    kind         VARCHAR(32) NOT NULL,
    template_id  BIGINT      NULL,
    days         INT         NULL,
    min_orders   INT         NULL,
    evaluated_at BIGINT      NULL,
    PRIMARY KEY (audience_id),
    KEY ix_en_audience_rules_merchant (merchant_id, audience_id),
    KEY ix_en_audience_rules_template (template_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- What the engine knows of a user with a merchant, fed by events: CONSUMED (ref: the user coupon id, the engine's own
-- coupon-consumed) and SETTLED (ref: the order id, settlement's order-settled), at = when. A fact is written once (its key
-- is the fact itself: a redelivered or repeated event adds nothing). The primary key serves "is this user new" and "how many
-- orders has this user settled since"; the second index the sliding window's sweep over a merchant's recent orders.
CREATE TABLE en_audience_facts (
    merchant_id BIGINT      NOT NULL,
    user_id     BIGINT      NOT NULL,
    kind        VARCHAR(16) NOT NULL,
    ref         VARCHAR(64) NOT NULL,
    at          BIGINT      NOT NULL,
    PRIMARY KEY (merchant_id, user_id, kind, ref),
    KEY ix_en_audience_facts_recent (merchant_id, kind, at)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

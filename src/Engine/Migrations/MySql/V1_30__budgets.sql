-- Money budgets (a campaign's "c:<id>", a template's "t:<id>"): what consumed coupons spent and locked coupons hold
-- reserved, in minor units. The limit is the budget's owner's (merchant-admin); a reservation is one conditional UPDATE
-- against it, so the budget is never overspent. threshold_reached: the highest percentage whose event has fired.
CREATE TABLE en_budgets (
    budget_key        VARCHAR(32) NOT NULL,
    spent             BIGINT      NOT NULL,
    reserved          BIGINT      NOT NULL,
    threshold_reached INT         NOT NULL,
    updated_at        BIGINT      NOT NULL,
    PRIMARY KEY (budget_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
-- One coupon's share of one budget under one order: RESERVED while locked, SPENT once consumed, RELEASED when the hold
-- ended unpaid, RESTORED when a refund gave all of it back (restored: how much a refund gave back so far).
CREATE TABLE en_budget_holds (
    coupon_id  BIGINT      NOT NULL,
    order_id   VARCHAR(64) NOT NULL,
    budget_key VARCHAR(32) NOT NULL,
    amount     BIGINT      NOT NULL,
    state      VARCHAR(16) NOT NULL,
    restored   BIGINT      NOT NULL,
    updated_at BIGINT      NOT NULL,
    PRIMARY KEY (coupon_id, order_id, budget_key)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

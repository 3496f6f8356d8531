-- Money budgets (a campaign's "c:<id>", a template's "t:<id>"): what consumed coupons spent and locked coupons hold
-- reserved, in minor units. The limit is the budget's owner's (merchant-admin); a reservation is one conditional UPDATE
-- against it, so the budget is never overspent. threshold_reached: the highest percentage whose event has fired.
CREATE TABLE en_budgets (
    budget_key        TEXT    NOT NULL PRIMARY KEY,
    spent             INTEGER NOT NULL,
    reserved          INTEGER NOT NULL,
    threshold_reached INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
) WITHOUT ROWID;
-- One coupon's share of one budget under one order: RESERVED while locked, SPENT once consumed, RELEASED when the hold
-- ended unpaid, RESTORED when a refund gave all of it back (restored: how much a refund gave back so far).
CREATE TABLE en_budget_holds (
    coupon_id  INTEGER NOT NULL,
    order_id   TEXT    NOT NULL,
    budget_key TEXT    NOT NULL,
    amount     INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    restored   INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (coupon_id, order_id, budget_key)
) WITHOUT ROWID;

-- How many coupons of a campaign's templates each user claimed: the campaign's per-user limit, counted with a conditional
-- upsert in the claim's transaction (both gates: the database gate, and the Redis gate's group commit).
CREATE TABLE en_user_campaign_claims (
    user_id     INTEGER NOT NULL,
    campaign_id INTEGER NOT NULL,
    claimed     INTEGER NOT NULL,
    PRIMARY KEY (user_id, campaign_id)
) WITHOUT ROWID;

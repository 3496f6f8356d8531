-- How many coupons of a campaign's templates each user claimed: the campaign's per-user limit, counted with a conditional
-- upsert in the claim's transaction (both gates: the database gate, and the Redis gate's group commit).
CREATE TABLE en_user_campaign_claims (
    user_id     BIGINT NOT NULL,
    campaign_id BIGINT NOT NULL,
    claimed     INT    NOT NULL,
    PRIMARY KEY (user_id, campaign_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

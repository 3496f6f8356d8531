-- Audiences: named sets of a merchant's users that a template may require (docs/audiences.md).
-- en_audience_members is what the database claim gate reads: one primary-key probe (audience_id, user_id) per claim; "which
-- of these audiences is this user in" (the exposure listing) is one probe per audience of the page on the same key. No second
-- index: every member row would cost it again, and loading 10 million members is what it is sized for.
CREATE TABLE en_audiences (
    id          BIGINT       NOT NULL,
    merchant_id BIGINT       NOT NULL,
    name        VARCHAR(200) NOT NULL,
    members     BIGINT       NOT NULL,
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL,
    version     INT          NOT NULL,
    PRIMARY KEY (id),
    KEY ix_en_audiences_merchant (merchant_id, id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE en_audience_members (
    audience_id BIGINT NOT NULL,
    user_id     BIGINT NOT NULL,
    PRIMARY KEY (audience_id, user_id)
) DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Audiences: named sets of a merchant's users that a template may require (docs/audiences.md); same columns as MySQL.
CREATE TABLE en_audiences (
    id          INTEGER NOT NULL PRIMARY KEY,
    merchant_id INTEGER NOT NULL,
    name        TEXT    NOT NULL,
    members     INTEGER NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    version     INTEGER NOT NULL
);
CREATE INDEX ix_en_audiences_merchant ON en_audiences (merchant_id, id);

CREATE TABLE en_audience_members (
    audience_id INTEGER NOT NULL,
    user_id     INTEGER NOT NULL,
    PRIMARY KEY (audience_id, user_id)
) WITHOUT ROWID;

-- One counter row per sequence; writers update it inside their transaction, which also
-- serialises them so that cursors and audit seqs become visible in order.
CREATE TABLE counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO counters (name, value) VALUES ('cursor', 0), ('audit', 0);

CREATE TABLE declarations (
    cursor         INTEGER PRIMARY KEY,
    declaration_id TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    digest         TEXT    NOT NULL,
    format_id      TEXT    NOT NULL,
    media_type     TEXT    NOT NULL,
    region         TEXT    NOT NULL,
    sector         TEXT    NOT NULL,
    product_id     TEXT    NOT NULL,
    content        BLOB    NOT NULL,
    received_at    TEXT    NOT NULL,
    source_peer    TEXT    NOT NULL,
    UNIQUE (declaration_id, version)
);
CREATE INDEX declarations_digest ON declarations (digest);
CREATE INDEX declarations_region ON declarations (region, cursor);
CREATE INDEX declarations_sector ON declarations (sector, cursor);
CREATE INDEX declarations_product ON declarations (product_id, cursor);

-- bundled: stored with its declaration in one Submit, so it travels inside the declaration
-- record of the feed rather than as a record of its own.
CREATE TABLE attestations (
    digest             TEXT    PRIMARY KEY,
    cursor             INTEGER NOT NULL,
    bundled            BOOLEAN NOT NULL,
    declaration_digest TEXT    NOT NULL,
    media_type         TEXT    NOT NULL,
    content            BLOB    NOT NULL,
    received_at        TEXT    NOT NULL,
    source_peer        TEXT    NOT NULL
);
CREATE INDEX attestations_declaration ON attestations (declaration_digest, cursor);
CREATE INDEX attestations_cursor ON attestations (cursor);

CREATE TABLE decisions (
    digest             TEXT    PRIMARY KEY,
    cursor             INTEGER NOT NULL UNIQUE,
    declaration_digest TEXT    NOT NULL,
    policy_id          TEXT    NOT NULL,
    outcome            TEXT    NOT NULL,
    content            BLOB    NOT NULL,
    received_at        TEXT    NOT NULL,
    source_peer        TEXT    NOT NULL
);
CREATE INDEX decisions_declaration ON decisions (declaration_digest, cursor);

CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);

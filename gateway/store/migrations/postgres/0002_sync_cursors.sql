-- How far this gateway has replicated each peer's record feed.
CREATE TABLE sync_cursors (
    peer   TEXT PRIMARY KEY,
    cursor BIGINT  NOT NULL
);

-- The W3C Web Annotation Protocol: deleted annotations answer 410 Gone, and
-- annotations or replies that came from elsewhere keep where they came from.

CREATE TABLE annotation_tombstones (
    uuid       TEXT PRIMARY KEY,
    reading_id INTEGER NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
    deleted_at TEXT NOT NULL
);

CREATE TABLE provenance (
    id            INTEGER PRIMARY KEY,
    annotation_id INTEGER UNIQUE REFERENCES annotations (id) ON DELETE CASCADE,
    reply_id      INTEGER UNIQUE REFERENCES replies (id) ON DELETE CASCADE,
    canonical     TEXT,
    via           TEXT,
    creator_name  TEXT,
    CHECK ((annotation_id IS NULL) <> (reply_id IS NULL))
);

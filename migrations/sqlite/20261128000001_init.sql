-- The first schema: accounts, courses, readings, annotations and their links and replies.
-- Timestamps are RFC 3339 UTC text; offsets are Unicode code points into readings.text.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,
    name          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email));

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE courses (
    id         INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    join_code  TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE memberships (
    course_id INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('instructor', 'student')),
    joined_at TEXT NOT NULL,
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE readings (
    id         INTEGER PRIMARY KEY,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    author     TEXT NOT NULL DEFAULT '',
    format     TEXT NOT NULL CHECK (format IN ('markdown', 'text', 'html')),
    source     TEXT NOT NULL,
    text       TEXT NOT NULL,
    blocks     TEXT NOT NULL, -- JSON array of text::Block
    created_at TEXT NOT NULL
);
CREATE INDEX readings_course ON readings (course_id);

CREATE TABLE annotations (
    id          INTEGER PRIMARY KEY,
    uuid        TEXT NOT NULL UNIQUE,
    reading_id  INTEGER NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('claim', 'counterargument', 'source', 'question', 'note')),
    comment     TEXT NOT NULL DEFAULT '',
    citation    TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    visibility  TEXT NOT NULL CHECK (visibility IN ('private', 'instructors', 'class')),
    start       INTEGER NOT NULL,
    end         INTEGER NOT NULL CHECK (end > start),
    exact       TEXT NOT NULL,
    prefix      TEXT NOT NULL,
    suffix      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX annotations_reading ON annotations (reading_id, start);
CREATE INDEX annotations_author ON annotations (author_id);

CREATE TABLE links (
    id         INTEGER PRIMARY KEY,
    from_id    INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    to_id      INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    relation   TEXT NOT NULL CHECK (relation IN ('rebuts', 'supports')),
    created_at TEXT NOT NULL,
    UNIQUE (from_id, to_id),
    CHECK (from_id <> to_id)
);
CREATE INDEX links_to ON links (to_id);

CREATE TABLE replies (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE INDEX replies_annotation ON replies (annotation_id);

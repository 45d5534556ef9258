-- Moderation: instructors may delete any annotation in their course; each such
-- deletion is recorded with what was deleted.
CREATE TABLE moderation_log (
    id            INTEGER PRIMARY KEY,
    course_id     INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    moderator_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    author_id     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    annotation_id TEXT NOT NULL,
    kind          TEXT NOT NULL,
    quote         TEXT NOT NULL,
    comment       TEXT NOT NULL,
    deleted_at    TEXT NOT NULL
);
CREATE INDEX moderation_log_course ON moderation_log (course_id);

-- Two rules that must hold whichever path writes.
--
-- 1. A reading's id is never handed out again. Pages, caches and event channels
--    are keyed by it; without AUTOINCREMENT SQLite gives a deleted newest row's
--    id to the next insert, so another course's new reading could be served from
--    what was kept for the deleted one. Rebuilding the table with AUTOINCREMENT
--    would mean dropping and recreating every trigger that names it; instead the
--    highest id ever deleted is kept here, and `db::readings::insert_reading`
--    numbers new readings above it.
CREATE TABLE retired_ids (
    tbl  TEXT PRIMARY KEY,
    high INTEGER NOT NULL
);
CREATE TRIGGER readings_retire_id AFTER DELETE ON readings BEGIN
    INSERT OR REPLACE INTO retired_ids (tbl, high)
    VALUES ('readings', max(OLD.id, coalesce((SELECT high FROM retired_ids WHERE tbl = 'readings'), 0)));
END;

-- 2. A student an instructor removed cannot join again with the code they
--    already have, until an instructor re-admits them.
CREATE TABLE course_removals (
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    removed_at TEXT NOT NULL,
    PRIMARY KEY (course_id, user_id)
);

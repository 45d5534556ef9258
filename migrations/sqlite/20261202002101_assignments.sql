-- Assignments: a reading's due date, opening date and late policy; when each
-- member last opened each reading; and the course's time zone.
--
-- Times are RFC 3339 UTC text in the same fixed shape as every other `*_at`
-- column (`db::timestamp`: milliseconds and `Z`), so `a.created_at > s.due_at`
-- compares them as text. An annotation is late when it was created after its
-- reading's due date; that is derived, never stored, so moving the due date or
-- changing the policy re-scores at once.

CREATE TABLE assignments (
    reading_id  INTEGER PRIMARY KEY REFERENCES readings (id) ON DELETE CASCADE,
    due_at      TEXT NOT NULL,
    opens_at    TEXT,
    late_policy TEXT NOT NULL DEFAULT 'mark' CHECK (late_policy IN ('count', 'mark', 'exclude')),
    updated_at  TEXT NOT NULL,
    CHECK (opens_at IS NULL OR opens_at < due_at)
);

-- What is late shows on the reading's pages, in the API and in the review
-- (`"late": true`, badges, scores): a change moves the reading's revision
-- (and through it the course's), so what was cached for it is drawn again.
CREATE TRIGGER assignments_insert_revision AFTER INSERT ON assignments BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id = NEW.reading_id;
END;
CREATE TRIGGER assignments_update_revision AFTER UPDATE ON assignments BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id IN (OLD.reading_id, NEW.reading_id);
END;
CREATE TRIGGER assignments_delete_revision AFTER DELETE ON assignments BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id = OLD.reading_id;
END;

-- When a member last opened a reading's page: what "new since your last visit"
-- counts from. Only per-viewer parts of pages read it (never a cached part), so
-- it has no revision trigger: a visit must not make every reader's cache stale.
CREATE TABLE reading_visits (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reading_id  INTEGER NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
    visited_at  TEXT NOT NULL,
    PRIMARY KEY (user_id, reading_id)
);
CREATE INDEX reading_visits_reading ON reading_visits (reading_id);

-- The course's time zone, as a fixed offset from UTC in minutes (NULL: the
-- server's). Due dates are stored in UTC and shown in it. The course_settings
-- triggers already move the revisions when it changes.
ALTER TABLE course_settings ADD COLUMN utc_offset_minutes INTEGER
    CHECK (utc_offset_minutes IS NULL OR utc_offset_minutes BETWEEN -1080 AND 1080);

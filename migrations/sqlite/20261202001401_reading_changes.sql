-- What changed on each reading since a snapshot of it was loaded: one row per
-- changed annotation, so that the snapshot kept in memory (web::snapshots) is
-- brought up to date by reloading those annotations alone rather than the whole
-- reading. Triggers, like the revisions beside them, so that no write path can
-- forget to log. `annotation_row` NULL means "everything may have changed" (the
-- reading's own details, the course's settings, an author's name): the snapshot
-- is then loaded whole. Provenance is reloaded with every change, and feedback
-- is not part of a snapshot, so neither is logged.

CREATE TABLE reading_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    reading_id INTEGER NOT NULL,
    annotation_row INTEGER
);
CREATE INDEX reading_changes_by_reading ON reading_changes (reading_id, seq);

-- The log stays short: the oldest rows go, and a snapshot older than what is
-- left is loaded whole (see db::snapshot::changes_since).
CREATE TRIGGER reading_changes_prune AFTER INSERT ON reading_changes WHEN NEW.seq % 1024 = 0 BEGIN
    DELETE FROM reading_changes WHERE seq <= NEW.seq - 65536;
END;

CREATE TRIGGER annotations_insert_change AFTER INSERT ON annotations BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) VALUES (NEW.reading_id, NEW.id);
END;
CREATE TRIGGER annotations_update_change AFTER UPDATE ON annotations BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT OLD.reading_id, OLD.id UNION SELECT NEW.reading_id, NEW.id;
END;
CREATE TRIGGER annotations_delete_change AFTER DELETE ON annotations BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) VALUES (OLD.reading_id, OLD.id);
END;

-- A link shows in the entry of the annotation it starts from. When that
-- annotation is itself being deleted it is gone already, and logged by its own delete.
CREATE TRIGGER links_insert_change AFTER INSERT ON links BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) SELECT reading_id, id FROM annotations WHERE id = NEW.from_id;
END;
CREATE TRIGGER links_update_change AFTER UPDATE ON links BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, id FROM annotations WHERE id IN (OLD.from_id, NEW.from_id);
END;
CREATE TRIGGER links_delete_change AFTER DELETE ON links BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) SELECT reading_id, id FROM annotations WHERE id = OLD.from_id;
END;

CREATE TRIGGER replies_insert_change AFTER INSERT ON replies BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, id FROM annotations WHERE id = NEW.annotation_id;
END;
CREATE TRIGGER replies_update_change AFTER UPDATE ON replies BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, id FROM annotations WHERE id IN (OLD.annotation_id, NEW.annotation_id);
END;
CREATE TRIGGER replies_delete_change AFTER DELETE ON replies BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, id FROM annotations WHERE id = OLD.annotation_id;
END;

CREATE TRIGGER readings_details_change AFTER UPDATE OF title, author, text, blocks ON readings BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) VALUES (NEW.id, NULL);
END;
-- A reading's id may be used again: what was logged of the old one goes with it.
CREATE TRIGGER readings_delete_change AFTER DELETE ON readings BEGIN
    DELETE FROM reading_changes WHERE reading_id = OLD.id;
END;

CREATE TRIGGER users_name_change AFTER UPDATE OF name ON users WHEN OLD.name IS NOT NEW.name BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, NULL FROM annotations WHERE author_id = NEW.id
    UNION SELECT a.reading_id, NULL FROM replies r JOIN annotations a ON a.id = r.annotation_id WHERE r.author_id = NEW.id;
END;

CREATE TRIGGER course_settings_insert_change AFTER INSERT ON course_settings BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) SELECT id, NULL FROM readings WHERE course_id = NEW.course_id;
END;
CREATE TRIGGER course_settings_update_change AFTER UPDATE ON course_settings BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT id, NULL FROM readings WHERE course_id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER course_settings_delete_change AFTER DELETE ON course_settings BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) SELECT id, NULL FROM readings WHERE course_id = OLD.course_id;
END;

-- How many annotations each author has in each reading, kept by trigger, so that the
-- per-reading quota checked before every create is one lookup rather than a count of
-- the author's annotations (which grew with them: a millisecond at 15,000).
CREATE TABLE annotation_counts (
    reading_id INTEGER NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    authored   INTEGER NOT NULL,
    PRIMARY KEY (reading_id, author_id)
) WITHOUT ROWID;

INSERT INTO annotation_counts (reading_id, author_id, authored)
    SELECT reading_id, author_id, COUNT(*) FROM annotations GROUP BY reading_id, author_id;

CREATE TRIGGER annotations_insert_count AFTER INSERT ON annotations BEGIN
    INSERT INTO annotation_counts (reading_id, author_id, authored) VALUES (NEW.reading_id, NEW.author_id, 1)
        ON CONFLICT (reading_id, author_id) DO UPDATE SET authored = authored + 1;
END;

CREATE TRIGGER annotations_delete_count AFTER DELETE ON annotations BEGIN
    UPDATE annotation_counts SET authored = authored - 1
    WHERE reading_id = OLD.reading_id AND author_id = OLD.author_id;
END;

CREATE TRIGGER annotations_move_count AFTER UPDATE OF reading_id, author_id ON annotations
    WHEN OLD.reading_id IS NOT NEW.reading_id OR OLD.author_id IS NOT NEW.author_id BEGIN
    UPDATE annotation_counts SET authored = authored - 1
    WHERE reading_id = OLD.reading_id AND author_id = OLD.author_id;
    INSERT INTO annotation_counts (reading_id, author_id, authored) VALUES (NEW.reading_id, NEW.author_id, 1)
        ON CONFLICT (reading_id, author_id) DO UPDATE SET authored = authored + 1;
END;

-- The original file of a reading imported from a PDF, kept whole so that students
-- can check the page layout (`/readings/{id}/original`), identified by its SHA-256.
--
-- The reading itself is stored as any other: its canonical text and blocks, with
-- format 'text' and the extracted text as its source (what a re-import would take).
-- The first schema's CHECK on `readings.format` cannot be widened without rebuilding
-- a table that annotations, links and the search index hang on; a reading is a PDF
-- reading exactly when it has a row here.
CREATE TABLE reading_originals (
    reading_id INTEGER PRIMARY KEY REFERENCES readings (id) ON DELETE CASCADE,
    sha256     TEXT NOT NULL CHECK (length(sha256) = 64),
    media_type TEXT NOT NULL,
    file_name  TEXT NOT NULL DEFAULT '',
    bytes      BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- The reading page links to its original: what is cached of it moves on when one arrives.
CREATE TRIGGER reading_originals_insert_revision AFTER INSERT ON reading_originals BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id = NEW.reading_id;
END;
CREATE TRIGGER reading_originals_delete_revision AFTER DELETE ON reading_originals BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id = OLD.reading_id;
END;

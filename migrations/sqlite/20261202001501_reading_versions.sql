-- Readings that change: an instructor replaces a reading's text and every
-- annotation is re-anchored in the new one or kept aside as an orphan.
--
-- The text's version counts from 1 (the import). Each annotation records the
-- version it was last anchored on; its start, end and quote are offsets into
-- that version's text. An orphan (orphaned = 1) could not be placed with
-- confidence in a later version: it keeps its quote and the offsets it had,
-- which say nothing about the current text, so every read path that draws
-- passages leaves orphans out (db::annotations, db::snapshot). Columns are
-- added rather than the table rebuilt with nullable offsets, so that every
-- trigger and index on annotations (revisions, search) stays as it is.

ALTER TABLE readings ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE annotations ADD COLUMN anchored_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE annotations ADD COLUMN orphaned INTEGER NOT NULL DEFAULT 0 CHECK (orphaned IN (0, 1));

-- Each replacement of a reading's text (version 2 and on): when, by whom, and
-- what became of the annotations.
CREATE TABLE reading_versions (
    reading_id INTEGER NOT NULL REFERENCES readings (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL CHECK (version >= 2),
    editor_id  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    kept       INTEGER NOT NULL,
    moved      INTEGER NOT NULL,
    edited     INTEGER NOT NULL,
    orphaned   INTEGER NOT NULL,
    PRIMARY KEY (reading_id, version)
);

CREATE INDEX annotations_orphans ON annotations (reading_id) WHERE orphaned = 1;

-- Search: one FTS5 index over readings' blocks, annotations' quotes and comments,
-- and replies, kept in step by triggers so that no write path (the API, the forms,
-- the command line's import, a cascade) can forget it. What a viewer may see is
-- not stored here: db::search joins each hit to its annotation and applies
-- db::annotations::VISIBLE at query time, so a visibility change or a deletion
-- shows at once.
--
-- Columns: `body` (a block's text, an annotation's comment, citation and tags, a
-- reply's text) and `quote` (an annotation's highlighted words) are what users
-- search; `scope` holds tokens (`c<course>`, `r<reading>`, `k<kind>`, `t<type>`)
-- that db::search puts in every MATCH, so a search in one course or one reading
-- only walks that course's or reading's entries; the UNINDEXED columns say what a
-- hit is. The index keeps its own copy of the text rather than being an external-
-- content table: its rows come from three tables and a JSON column, and snippet()
-- would otherwise read each hit back through a union view.
--
-- Row ids: an annotation 2·id, a reply 2·id + 1, block i of reading r
-- -(r·2³² + i) - 1, so each trigger finds its rows by id alone.
CREATE VIRTUAL TABLE search USING fts5(
    body, quote, scope,
    type UNINDEXED, reading_id UNINDEXED, annotation_id UNINDEXED, reply_id UNINDEXED,
    author_id UNINDEXED, block_start UNINDEXED,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
-- Rank by body and quote only: the scope tokens are in every match.
INSERT INTO search (search, rank) VALUES ('rank', 'bm25(1.0, 1.0, 0.0)');

-- Readings: one row per block.
CREATE TRIGGER readings_insert_search AFTER INSERT ON readings BEGIN
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, block_start)
    SELECT -(NEW.id * 4294967296 + b.key) - 1,
           substr(NEW.text, json_extract(b.value, '$.start') + 1,
                  json_extract(b.value, '$.end') - json_extract(b.value, '$.start')),
           '', 'c' || NEW.course_id || ' r' || NEW.id || ' treading', 'reading', NEW.id,
           json_extract(b.value, '$.start')
    FROM json_each(NEW.blocks) b;
END;
CREATE TRIGGER readings_update_search AFTER UPDATE OF text, blocks, course_id ON readings BEGIN
    DELETE FROM search WHERE rowid BETWEEN -(OLD.id * 4294967296 + 4294967296) AND -(OLD.id * 4294967296) - 1;
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, block_start)
    SELECT -(NEW.id * 4294967296 + b.key) - 1,
           substr(NEW.text, json_extract(b.value, '$.start') + 1,
                  json_extract(b.value, '$.end') - json_extract(b.value, '$.start')),
           '', 'c' || NEW.course_id || ' r' || NEW.id || ' treading', 'reading', NEW.id,
           json_extract(b.value, '$.start')
    FROM json_each(NEW.blocks) b;
END;
CREATE TRIGGER readings_delete_search AFTER DELETE ON readings BEGIN
    DELETE FROM search WHERE rowid BETWEEN -(OLD.id * 4294967296 + 4294967296) AND -(OLD.id * 4294967296) - 1;
END;

-- Annotations: comment, citation and tags as the body, the highlighted words as the quote.
CREATE TRIGGER annotations_insert_search AFTER INSERT ON annotations BEGIN
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, author_id)
    SELECT 2 * NEW.id,
           NEW.comment || ' ' || NEW.citation || ' ' || coalesce((SELECT group_concat(t.value, ' ') FROM json_each(NEW.tags) t), ''),
           NEW.exact, 'c' || r.course_id || ' r' || r.id || ' k' || NEW.kind || ' tannotation', 'annotation',
           NEW.reading_id, NEW.id, NEW.author_id
    FROM readings r WHERE r.id = NEW.reading_id;
END;
CREATE TRIGGER annotations_update_search AFTER UPDATE OF reading_id, author_id, kind, comment, citation, tags, exact ON annotations BEGIN
    DELETE FROM search WHERE rowid = 2 * OLD.id;
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, author_id)
    SELECT 2 * NEW.id,
           NEW.comment || ' ' || NEW.citation || ' ' || coalesce((SELECT group_concat(t.value, ' ') FROM json_each(NEW.tags) t), ''),
           NEW.exact, 'c' || r.course_id || ' r' || r.id || ' k' || NEW.kind || ' tannotation', 'annotation',
           NEW.reading_id, NEW.id, NEW.author_id
    FROM readings r WHERE r.id = NEW.reading_id;
END;
CREATE TRIGGER annotations_delete_search AFTER DELETE ON annotations BEGIN
    DELETE FROM search WHERE rowid = 2 * OLD.id;
END;

-- Replies.
CREATE TRIGGER replies_insert_search AFTER INSERT ON replies BEGIN
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, reply_id, author_id)
    SELECT 2 * NEW.id + 1, NEW.text, '', 'c' || r.course_id || ' r' || r.id || ' treply', 'reply',
           r.id, NEW.annotation_id, NEW.id, NEW.author_id
    FROM annotations a JOIN readings r ON r.id = a.reading_id WHERE a.id = NEW.annotation_id;
END;
CREATE TRIGGER replies_update_search AFTER UPDATE OF text, annotation_id, author_id ON replies BEGIN
    DELETE FROM search WHERE rowid = 2 * OLD.id + 1;
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, reply_id, author_id)
    SELECT 2 * NEW.id + 1, NEW.text, '', 'c' || r.course_id || ' r' || r.id || ' treply', 'reply',
           r.id, NEW.annotation_id, NEW.id, NEW.author_id
    FROM annotations a JOIN readings r ON r.id = a.reading_id WHERE a.id = NEW.annotation_id;
END;
CREATE TRIGGER replies_delete_search AFTER DELETE ON replies BEGIN
    DELETE FROM search WHERE rowid = 2 * OLD.id + 1;
END;

-- VISIBLE's post-first test ("has this student posted on this reading?") runs for
-- every hit of a search; by author alone it walks all of a student's annotations.
CREATE INDEX annotations_author_reading ON annotations (author_id, reading_id);

-- What is already there.
INSERT INTO search (rowid, body, quote, scope, type, reading_id, block_start)
SELECT -(r.id * 4294967296 + b.key) - 1,
       substr(r.text, json_extract(b.value, '$.start') + 1,
              json_extract(b.value, '$.end') - json_extract(b.value, '$.start')),
       '', 'c' || r.course_id || ' r' || r.id || ' treading', 'reading', r.id, json_extract(b.value, '$.start')
FROM readings r, json_each(r.blocks) b;
INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, author_id)
SELECT 2 * a.id,
       a.comment || ' ' || a.citation || ' ' || coalesce((SELECT group_concat(t.value, ' ') FROM json_each(a.tags) t), ''),
       a.exact, 'c' || r.course_id || ' r' || r.id || ' k' || a.kind || ' tannotation', 'annotation',
       a.reading_id, a.id, a.author_id
FROM annotations a JOIN readings r ON r.id = a.reading_id;
INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, reply_id, author_id)
SELECT 2 * p.id + 1, p.text, '', 'c' || r.course_id || ' r' || r.id || ' treply', 'reply',
       r.id, p.annotation_id, p.id, p.author_id
FROM replies p JOIN annotations a ON a.id = p.annotation_id JOIN readings r ON r.id = a.reading_id;

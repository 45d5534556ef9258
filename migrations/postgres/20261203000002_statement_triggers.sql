-- New annotations arrive in groups: the group commit stores every annotation that
-- arrived meanwhile in one INSERT of many rows. Row triggers ran once per row, and
-- so updated the reading's revision (and through it the course's) once per row,
-- each time a new version of the same hot row; and the search index's helpers were
-- SQL functions, which PostgreSQL plans again on every call (a plan per row, the
-- largest cost of an insert). Measured on the shared essay's load run: a group of
-- 36 rows took 32 ms in its triggers, 26 of them in planning the search insert.
--
-- Here the four insert triggers on annotations run once per statement, over the
-- statement's new rows (a transition table), with the same effects as SQLite's row
-- triggers: the reading's revision rises by the number of rows, each author's count
-- by theirs, one change row per annotation in id order, one search row each. The
-- course's revision rises with its reading's by as much (at least 1, as before).
-- The search helpers become PL/pgSQL, whose plans a session keeps.

CREATE OR REPLACE FUNCTION search_insert_reading_blocks(r readings) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, block_start)
    SELECT -(r.id * 4294967296 + (b.ord - 1)) - 1,
           substr(r.text, ((b.value ->> 'start')::bigint + 1)::integer,
                  ((b.value ->> 'end')::bigint - (b.value ->> 'start')::bigint)::integer),
           '', 'c' || r.course_id || ' r' || r.id || ' treading', 'reading', r.id,
           (b.value ->> 'start')::bigint
    FROM jsonb_array_elements(r.blocks::jsonb) WITH ORDINALITY AS b (value, ord);
END $$;

CREATE OR REPLACE FUNCTION search_insert_annotation(a annotations) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, author_id)
    SELECT 2 * a.id,
           a.comment || ' ' || a.citation || ' '
               || coalesce((SELECT string_agg(t.value, ' ' ORDER BY t.ord)
                            FROM jsonb_array_elements_text(a.tags::jsonb) WITH ORDINALITY AS t (value, ord)), ''),
           a.exact, 'c' || r.course_id || ' r' || r.id || ' k' || a.kind || ' tannotation', 'annotation',
           a.reading_id, a.id, a.author_id
    FROM readings r WHERE r.id = a.reading_id;
END $$;

CREATE OR REPLACE FUNCTION search_insert_reply(p replies) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, reply_id, author_id)
    SELECT 2 * p.id + 1, p.text, '', 'c' || r.course_id || ' r' || r.id || ' treply', 'reply',
           r.id, p.annotation_id, p.id, p.author_id
    FROM annotations a JOIN readings r ON r.id = a.reading_id WHERE a.id = p.annotation_id;
END $$;

CREATE OR REPLACE FUNCTION readings_course_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE courses SET revision = revision + GREATEST(NEW.revision - OLD.revision, 1) WHERE id = NEW.course_id;
    RETURN NULL;
END $$;

DROP TRIGGER annotations_insert_revision ON annotations;
CREATE OR REPLACE FUNCTION annotations_insert_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE readings r SET revision = r.revision + n.added
    FROM (SELECT reading_id, count(*) AS added FROM new_annotations GROUP BY reading_id) AS n
    WHERE r.id = n.reading_id;
    RETURN NULL;
END $$;
CREATE TRIGGER annotations_insert_revision AFTER INSERT ON annotations
    REFERENCING NEW TABLE AS new_annotations
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_insert_revision();

DROP TRIGGER annotations_insert_count ON annotations;
CREATE OR REPLACE FUNCTION annotations_insert_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO annotation_counts (reading_id, author_id, authored)
    SELECT reading_id, author_id, count(*) FROM new_annotations GROUP BY reading_id, author_id
    ON CONFLICT (reading_id, author_id) DO UPDATE SET authored = annotation_counts.authored + excluded.authored;
    RETURN NULL;
END $$;
CREATE TRIGGER annotations_insert_count AFTER INSERT ON annotations
    REFERENCING NEW TABLE AS new_annotations
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_insert_count();

DROP TRIGGER annotations_insert_change ON annotations;
CREATE OR REPLACE FUNCTION annotations_insert_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) SELECT reading_id, id FROM new_annotations ORDER BY id;
    RETURN NULL;
END $$;
CREATE TRIGGER annotations_insert_change AFTER INSERT ON annotations
    REFERENCING NEW TABLE AS new_annotations
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_insert_change();

DROP TRIGGER annotations_insert_search ON annotations;
CREATE OR REPLACE FUNCTION annotations_insert_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM search_insert_annotation(a::annotations) FROM new_annotations AS a ORDER BY a.id;
    RETURN NULL;
END $$;
CREATE TRIGGER annotations_insert_search AFTER INSERT ON annotations
    REFERENCING NEW TABLE AS new_annotations
    FOR EACH STATEMENT EXECUTE FUNCTION annotations_insert_search();

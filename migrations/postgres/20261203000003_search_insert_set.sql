-- The annotations' insert trigger for search fills the index for all of a
-- statement's new rows in one INSERT ... SELECT, where it called the per-row
-- helper once a row: under the group commit's load each call cost a statement
-- of its own (about 80 µs beside the row's own 130), inside the one write lock
-- every write on PostgreSQL takes (`store::WRITE_LOCK`). Same rows as
-- `search_insert_annotation` makes (the update triggers still call it); no
-- SQLite counterpart: this changes how, not what.
CREATE OR REPLACE FUNCTION annotations_insert_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO search (rowid, body, quote, scope, type, reading_id, annotation_id, author_id)
    SELECT 2 * a.id,
           a.comment || ' ' || a.citation || ' '
               || coalesce((SELECT string_agg(t.value, ' ' ORDER BY t.ord)
                            FROM jsonb_array_elements_text(a.tags::jsonb) WITH ORDINALITY AS t (value, ord)), ''),
           a.exact, 'c' || r.course_id || ' r' || r.id || ' k' || a.kind || ' tannotation', 'annotation',
           a.reading_id, a.id, a.author_id
    FROM new_annotations AS a JOIN readings r ON r.id = a.reading_id
    ORDER BY a.id;
    RETURN NULL;
END $$;

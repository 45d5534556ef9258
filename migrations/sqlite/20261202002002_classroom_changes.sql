-- A spotlight or an answered mark changes the annotation it is on, so kept
-- snapshots reload that annotation (see 20261202001401_reading_changes.sql);
-- the marks' revision triggers (…2001_classroom.sql) have these as partners.
-- Groups and the tag vocabulary are read again with every refresh and need none.
CREATE TRIGGER annotation_marks_insert_change AFTER INSERT ON annotation_marks BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, id FROM annotations WHERE id = NEW.annotation_id;
END;
CREATE TRIGGER annotation_marks_update_change AFTER UPDATE ON annotation_marks BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, id FROM annotations WHERE id IN (OLD.annotation_id, NEW.annotation_id);
END;
CREATE TRIGGER annotation_marks_delete_change AFTER DELETE ON annotation_marks BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT reading_id, id FROM annotations WHERE id = OLD.annotation_id;
END;

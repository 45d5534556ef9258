-- A due date or a late policy changes whether each annotation of the reading is
-- late, so its snapshot must be loaded whole (see 20261202001401_reading_changes.sql):
-- the assignments' revision triggers (…2101_assignments.sql) have these as partners.
CREATE TRIGGER assignments_insert_change AFTER INSERT ON assignments BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) VALUES (NEW.reading_id, NULL);
END;
CREATE TRIGGER assignments_update_change AFTER UPDATE ON assignments BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row)
    SELECT OLD.reading_id, NULL UNION SELECT NEW.reading_id, NULL;
END;
CREATE TRIGGER assignments_delete_change AFTER DELETE ON assignments BEGIN
    INSERT INTO reading_changes (reading_id, annotation_row) VALUES (OLD.reading_id, NULL);
END;

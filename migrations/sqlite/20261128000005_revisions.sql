-- Revisions: a counter on each reading and each course that every change to
-- what their pages show moves forward, so that what is cached in memory
-- (web::snapshots) knows when to load again. Triggers rather than application
-- code, so that no write path — the API, the forms, the command line's import,
-- a cascade — can forget to move them.

ALTER TABLE readings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
ALTER TABLE courses ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

-- A reading's own details.
CREATE TRIGGER readings_details_revision AFTER UPDATE OF title, author, text, blocks ON readings BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id = NEW.id;
END;

-- Annotations, their links, replies and feedback.
CREATE TRIGGER annotations_insert_revision AFTER INSERT ON annotations BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id = NEW.reading_id;
END;
CREATE TRIGGER annotations_update_revision AFTER UPDATE ON annotations BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id IN (OLD.reading_id, NEW.reading_id);
END;
CREATE TRIGGER annotations_delete_revision AFTER DELETE ON annotations BEGIN
    UPDATE readings SET revision = revision + 1 WHERE id = OLD.reading_id;
END;

CREATE TRIGGER links_insert_revision AFTER INSERT ON links BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id IN (NEW.from_id, NEW.to_id));
END;
CREATE TRIGGER links_update_revision AFTER UPDATE ON links BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id IN (OLD.from_id, OLD.to_id, NEW.from_id, NEW.to_id));
END;
CREATE TRIGGER links_delete_revision AFTER DELETE ON links BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id IN (OLD.from_id, OLD.to_id));
END;

CREATE TRIGGER replies_insert_revision AFTER INSERT ON replies BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id = (SELECT reading_id FROM annotations WHERE id = NEW.annotation_id);
END;
CREATE TRIGGER replies_update_revision AFTER UPDATE ON replies BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id IN (OLD.annotation_id, NEW.annotation_id));
END;
CREATE TRIGGER replies_delete_revision AFTER DELETE ON replies BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id = (SELECT reading_id FROM annotations WHERE id = OLD.annotation_id);
END;

CREATE TRIGGER feedback_insert_revision AFTER INSERT ON feedback BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id = (SELECT reading_id FROM annotations WHERE id = NEW.annotation_id);
END;
CREATE TRIGGER feedback_update_revision AFTER UPDATE ON feedback BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id IN (OLD.annotation_id, NEW.annotation_id));
END;
CREATE TRIGGER feedback_delete_revision AFTER DELETE ON feedback BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id = (SELECT reading_id FROM annotations WHERE id = OLD.annotation_id);
END;

-- Where an annotation or reply came from shows in what the API answers.
CREATE TRIGGER provenance_insert_revision AFTER INSERT ON provenance BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id = NEW.annotation_id
                 UNION SELECT a.reading_id FROM replies r JOIN annotations a ON a.id = r.annotation_id
                       WHERE r.id = NEW.reply_id);
END;
CREATE TRIGGER provenance_update_revision AFTER UPDATE ON provenance BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id IN (OLD.annotation_id, NEW.annotation_id)
                 UNION SELECT a.reading_id FROM replies r JOIN annotations a ON a.id = r.annotation_id
                       WHERE r.id IN (OLD.reply_id, NEW.reply_id));
END;
CREATE TRIGGER provenance_delete_revision AFTER DELETE ON provenance BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id = OLD.annotation_id
                 UNION SELECT a.reading_id FROM replies r JOIN annotations a ON a.id = r.annotation_id
                       WHERE r.id = OLD.reply_id);
END;

-- A name shows beside everything its owner wrote.
CREATE TRIGGER users_name_revision AFTER UPDATE OF name ON users BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE author_id = NEW.id
                 UNION SELECT a.reading_id FROM replies r JOIN annotations a ON a.id = r.annotation_id
                       WHERE r.author_id = NEW.id);
    UPDATE courses SET revision = revision + 1 WHERE id IN (SELECT course_id FROM memberships WHERE user_id = NEW.id);
END;

-- The course's settings change what students see on every reading.
CREATE TRIGGER course_settings_insert_revision AFTER INSERT ON course_settings BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id = NEW.course_id;
    UPDATE courses SET revision = revision + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER course_settings_update_revision AFTER UPDATE ON course_settings BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id IN (OLD.course_id, NEW.course_id);
    UPDATE courses SET revision = revision + 1 WHERE id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER course_settings_delete_revision AFTER DELETE ON course_settings BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id = OLD.course_id;
    UPDATE courses SET revision = revision + 1 WHERE id = OLD.course_id;
END;

-- A course moves with each of its readings, its members and its rubric.
CREATE TRIGGER readings_course_revision AFTER UPDATE OF revision ON readings BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER readings_insert_course_revision AFTER INSERT ON readings BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER readings_delete_course_revision AFTER DELETE ON readings BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = OLD.course_id;
END;
CREATE TRIGGER memberships_insert_revision AFTER INSERT ON memberships BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER memberships_update_revision AFTER UPDATE ON memberships BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER memberships_delete_revision AFTER DELETE ON memberships BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = OLD.course_id;
END;
CREATE TRIGGER rubrics_insert_revision AFTER INSERT ON rubrics BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER rubrics_update_revision AFTER UPDATE ON rubrics BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER rubrics_delete_revision AFTER DELETE ON rubrics BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = OLD.course_id;
END;

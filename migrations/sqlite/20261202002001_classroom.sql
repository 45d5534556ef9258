-- Classroom depth: seminar groups and a course's discussion mode, its tag
-- vocabulary, instructors' spotlights and answered questions, and each member's
-- inbox of what answered their work.

-- 'groups': a student's class-visible work is seen by their own group(s) and the
-- instructors only (db::annotations::VISIBLE, snapshot::Snapshot::may_see and
-- web::events::Event::may_hear apply it alike).
ALTER TABLE course_settings ADD COLUMN discussion TEXT NOT NULL DEFAULT 'class'
    CHECK (discussion IN ('class', 'groups'));

CREATE TABLE course_groups (
    id         INTEGER PRIMARY KEY,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (course_id, name)
);

CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES course_groups (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

-- The course's own tags, in the order the instructor gave them. Empty: any tag goes.
CREATE TABLE course_tags (
    course_id INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    tag       TEXT NOT NULL,
    position  INTEGER NOT NULL,
    PRIMARY KEY (course_id, tag)
);

-- An instructor's spotlight on an annotation; a question marked answered (by its
-- author or an instructor).
CREATE TABLE annotation_marks (
    annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    mark          TEXT NOT NULL CHECK (mark IN ('spotlight', 'answered')),
    by_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (annotation_id, mark)
);

-- What answered someone's work, one row per recipient, written by triggers so
-- that no write path (API, forms, imports) can forget it. `annotation_id` is
-- the annotation to open and the one whose visibility decides whether the
-- recipient may see the item at all (db::inbox applies VISIBLE when reading).
CREATE TABLE inbox_items (
    id            INTEGER PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type          TEXT NOT NULL CHECK (type IN ('reply', 'rebuttal', 'support', 'feedback', 'spotlight')),
    annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    reply_id      INTEGER REFERENCES replies (id) ON DELETE CASCADE,
    link_id       INTEGER REFERENCES links (id) ON DELETE CASCADE,
    feedback_id   INTEGER REFERENCES feedback (id) ON DELETE CASCADE,
    created_at    TEXT NOT NULL,
    read_at       TEXT
);
CREATE INDEX inbox_items_user ON inbox_items (user_id, id);
CREATE INDEX inbox_items_annotation ON inbox_items (annotation_id);

-- A reply reaches the thread's author and everyone who replied in it before.
CREATE TRIGGER replies_inbox AFTER INSERT ON replies BEGIN
    INSERT INTO inbox_items (user_id, type, annotation_id, reply_id, created_at)
    SELECT DISTINCT who, 'reply', NEW.annotation_id, NEW.id, NEW.created_at FROM (
        SELECT author_id AS who FROM annotations WHERE id = NEW.annotation_id
        UNION SELECT author_id FROM replies WHERE annotation_id = NEW.annotation_id AND id <> NEW.id)
    WHERE who <> NEW.author_id;
END;

-- A counterargument rebutting, or a source supporting, someone's annotation reaches its author.
CREATE TRIGGER links_inbox AFTER INSERT ON links BEGIN
    INSERT INTO inbox_items (user_id, type, annotation_id, link_id, created_at)
    SELECT t.author_id, iif(NEW.relation = 'rebuts', 'rebuttal', 'support'), NEW.from_id, NEW.id, NEW.created_at
    FROM annotations t JOIN annotations f ON f.id = NEW.from_id
    WHERE t.id = NEW.to_id AND t.author_id <> f.author_id;
END;

CREATE TRIGGER feedback_inbox AFTER INSERT ON feedback BEGIN
    INSERT INTO inbox_items (user_id, type, annotation_id, feedback_id, created_at)
    SELECT a.author_id, 'feedback', NEW.annotation_id, NEW.id, NEW.created_at
    FROM annotations a WHERE a.id = NEW.annotation_id AND a.author_id <> NEW.author_id;
END;

CREATE TRIGGER marks_inbox AFTER INSERT ON annotation_marks WHEN NEW.mark = 'spotlight' BEGIN
    INSERT INTO inbox_items (user_id, type, annotation_id, created_at)
    SELECT a.author_id, 'spotlight', NEW.annotation_id, NEW.created_at
    FROM annotations a WHERE a.id = NEW.annotation_id AND a.author_id IS NOT NEW.by_id;
END;
CREATE TRIGGER marks_inbox_delete AFTER DELETE ON annotation_marks WHEN OLD.mark = 'spotlight' BEGIN
    DELETE FROM inbox_items WHERE type = 'spotlight' AND annotation_id = OLD.annotation_id;
END;

-- Leaving a course leaves its groups.
CREATE TRIGGER memberships_delete_groups AFTER DELETE ON memberships BEGIN
    DELETE FROM group_members WHERE user_id = OLD.user_id
        AND group_id IN (SELECT id FROM course_groups WHERE course_id = OLD.course_id);
END;

-- Revisions (see the `revisions` migration): groups, the vocabulary, marks and
-- members' roles change what the course's reading pages show.
CREATE TRIGGER course_groups_insert_revision AFTER INSERT ON course_groups BEGIN
    UPDATE courses SET revision = revision + 1 WHERE id = NEW.course_id;
END;
CREATE TRIGGER course_groups_update_revision AFTER UPDATE ON course_groups BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id IN (OLD.course_id, NEW.course_id);
    UPDATE courses SET revision = revision + 1 WHERE id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER course_groups_delete_revision AFTER DELETE ON course_groups BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id = OLD.course_id;
    UPDATE courses SET revision = revision + 1 WHERE id = OLD.course_id;
END;
CREATE TRIGGER group_members_insert_revision AFTER INSERT ON group_members BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE course_id = (SELECT course_id FROM course_groups WHERE id = NEW.group_id);
END;
CREATE TRIGGER group_members_delete_revision AFTER DELETE ON group_members BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE course_id = (SELECT course_id FROM course_groups WHERE id = OLD.group_id);
END;
CREATE TRIGGER course_tags_insert_revision AFTER INSERT ON course_tags BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id = NEW.course_id;
END;
CREATE TRIGGER course_tags_delete_revision AFTER DELETE ON course_tags BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id = OLD.course_id;
END;
CREATE TRIGGER course_tags_update_revision AFTER UPDATE ON course_tags BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER annotation_marks_insert_revision AFTER INSERT ON annotation_marks BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id = (SELECT reading_id FROM annotations WHERE id = NEW.annotation_id);
END;
CREATE TRIGGER annotation_marks_update_revision AFTER UPDATE ON annotation_marks BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id IN (SELECT reading_id FROM annotations WHERE id IN (OLD.annotation_id, NEW.annotation_id));
END;
CREATE TRIGGER annotation_marks_delete_revision AFTER DELETE ON annotation_marks BEGIN
    UPDATE readings SET revision = revision + 1
    WHERE id = (SELECT reading_id FROM annotations WHERE id = OLD.annotation_id);
END;
-- Under groups an instructor's work is for the whole class: a role decides what readers see.
CREATE TRIGGER memberships_role_readings_revision AFTER UPDATE OF role ON memberships BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id IN (OLD.course_id, NEW.course_id);
END;
CREATE TRIGGER memberships_delete_readings_revision AFTER DELETE ON memberships BEGIN
    UPDATE readings SET revision = revision + 1 WHERE course_id = OLD.course_id;
END;

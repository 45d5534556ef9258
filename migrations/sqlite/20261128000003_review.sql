-- Instructor review: each course's grading rubric and review settings, and
-- instructors' feedback on annotations.

-- One rubric per course; a course without a row uses the defaults in review::Rubric.
CREATE TABLE rubrics (
    course_id              INTEGER PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    claim_points           INTEGER NOT NULL CHECK (claim_points BETWEEN 0 AND 100),
    counterargument_points INTEGER NOT NULL CHECK (counterargument_points BETWEEN 0 AND 100),
    source_points          INTEGER NOT NULL CHECK (source_points BETWEEN 0 AND 100),
    question_points        INTEGER NOT NULL CHECK (question_points BETWEEN 0 AND 100),
    note_points            INTEGER NOT NULL CHECK (note_points BETWEEN 0 AND 100),
    reply_points           INTEGER NOT NULL CHECK (reply_points BETWEEN 0 AND 100),
    min_words              INTEGER NOT NULL CHECK (min_words BETWEEN 0 AND 1000),
    cap                    INTEGER NOT NULL CHECK (cap BETWEEN 0 AND 10000), -- per reading; 0 = no cap
    updated_at             TEXT NOT NULL
);

-- Per-course switches. post_first: students see classmates' annotations on a
-- reading only once they have posted one of their own there (db::annotations::VISIBLE).
CREATE TABLE course_settings (
    course_id  INTEGER PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    post_first INTEGER NOT NULL DEFAULT 0 CHECK (post_first IN (0, 1)),
    updated_at TEXT NOT NULL
);

-- An instructor's feedback on an annotation, shown to its author.
CREATE TABLE feedback (
    id            INTEGER PRIMARY KEY,
    uuid          TEXT NOT NULL UNIQUE,
    annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    text          TEXT NOT NULL,
    exemplary     INTEGER NOT NULL DEFAULT 0 CHECK (exemplary IN (0, 1)),
    created_at    TEXT NOT NULL
);
CREATE INDEX feedback_annotation ON feedback (annotation_id);

-- An instructor's choice to send a course's scores to the LMS by themselves once
-- writes pause (lti::grades::AutoPush), and the course revision last sent.
ALTER TABLE lti_contexts ADD COLUMN push_on_write INTEGER NOT NULL DEFAULT 0 CHECK (push_on_write IN (0, 1));
ALTER TABLE lti_contexts ADD COLUMN pushed_revision INTEGER;

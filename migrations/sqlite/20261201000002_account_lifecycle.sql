-- Accounts for a real term: administrators, disabled accounts, one-time
-- password-reset links, and what happens to a departed student's work.

ALTER TABLE users ADD COLUMN is_admin INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1));
-- Set while an administrator has disabled the account: its sessions and tokens
-- stop working at once, and it cannot sign in.
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE users ADD COLUMN last_sign_in_at TEXT;

-- A reset link is shown once; only its SHA-256 is kept. Single use, and it
-- expires.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- When a student deletes their account, their work in the course is kept under
-- "Former student" (the default: deleting it would take classmates' replies to
-- it and links to it along) or deleted.
ALTER TABLE course_settings ADD COLUMN departed_work TEXT NOT NULL DEFAULT 'anonymise'
    CHECK (departed_work IN ('anonymise', 'delete'));

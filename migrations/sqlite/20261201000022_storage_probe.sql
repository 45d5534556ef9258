-- One row a degraded server rewrites (see src/db/health.rs) to test whether
-- writes work again after a storage fault: a full disk, a disk error, a lock.
CREATE TABLE storage_probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    checked_at TEXT NOT NULL,
    room BLOB NOT NULL
);

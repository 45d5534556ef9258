-- LTI 1.3 (LTI Advantage): the platforms (LMSs) an administrator registered, the
-- tool's own signing keys, logins in flight, and what links LMS identities,
-- contexts and resource links to Counterpoint's accounts, courses and readings.
-- None of it is shown on a cached page, so no revision triggers are needed: the
-- pages that show LTI state (the course page's roster button, the review page's
-- grade report) read it at each request.

CREATE TABLE lti_platforms (
    id         INTEGER PRIMARY KEY,
    issuer     TEXT NOT NULL,
    client_id  TEXT NOT NULL,
    auth_url   TEXT NOT NULL,
    jwks_url   TEXT NOT NULL,
    token_url  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (issuer, client_id)
);

CREATE TABLE lti_deployments (
    platform_id   INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
    deployment_id TEXT NOT NULL,
    PRIMARY KEY (platform_id, deployment_id)
);

-- The tool's RSA key pairs (PKCS#8 PEM). The newest unretired key signs; retired
-- keys stay published in /lti/jwks.json for a day so tokens in flight still verify.
CREATE TABLE lti_keys (
    kid         TEXT PRIMARY KEY,
    private_pem TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);

-- A login in flight: the state (only its SHA-256) and the nonce sent to the
-- platform; consumed by the launch that answers it, whatever its outcome.
CREATE TABLE lti_logins (
    state_hash  TEXT PRIMARY KEY,
    platform_id INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
    nonce       TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- An LMS user (the platform's `sub`) and the account made for them.
CREATE TABLE lti_users (
    platform_id INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
    sub         TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (platform_id, sub)
);
CREATE INDEX lti_users_user ON lti_users (user_id);

-- An LMS context (a course there) and the course made for it, with the service
-- endpoints its latest launch named.
CREATE TABLE lti_contexts (
    platform_id     INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
    context_id      TEXT NOT NULL,
    course_id       INTEGER NOT NULL UNIQUE REFERENCES courses (id) ON DELETE CASCADE,
    deployment_id   TEXT NOT NULL,
    memberships_url TEXT,
    lineitems_url   TEXT,
    ags_scopes      TEXT NOT NULL DEFAULT '',
    roster_synced_at TEXT,
    roster_report   TEXT,
    PRIMARY KEY (platform_id, context_id)
);

-- A resource link (an assignment in the LMS), the reading it opens, and its line item.
CREATE TABLE lti_resource_links (
    platform_id      INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
    resource_link_id TEXT NOT NULL,
    course_id        INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    reading_id       INTEGER REFERENCES readings (id) ON DELETE SET NULL,
    title            TEXT NOT NULL DEFAULT '',
    lineitem_url     TEXT,
    PRIMARY KEY (platform_id, resource_link_id)
);
CREATE INDEX lti_resource_links_course ON lti_resource_links (course_id);

-- A deep-linking request waiting for the instructor's choice of a reading.
CREATE TABLE lti_deep_links (
    id_hash       TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    course_id     INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    platform_id   INTEGER NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
    deployment_id TEXT NOT NULL,
    return_url    TEXT NOT NULL,
    data          TEXT,
    created_at    TEXT NOT NULL
);

-- The outcome of the latest grade push of a course, for its review page.
CREATE TABLE lti_grade_reports (
    course_id INTEGER PRIMARY KEY REFERENCES courses (id) ON DELETE CASCADE,
    pushed_at TEXT NOT NULL,
    sent      INTEGER NOT NULL,
    failed    INTEGER NOT NULL,
    skipped   INTEGER NOT NULL,
    message   TEXT NOT NULL
);

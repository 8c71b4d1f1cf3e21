-- Organizers, API tokens, events, registrations and the event log (transactional outbox).
-- Timestamps are UTC ISO text of fixed width (see webinar/clock.py:to_db).

CREATE TABLE organizers (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

-- Bearer tokens for the API, stored as SHA-256 hashes: a stolen database gives no token.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    organizer_id INTEGER NOT NULL REFERENCES organizers(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT
);

-- Signed-in organizer sessions of the /admin pages, also stored hashed.
CREATE TABLE admin_sessions (
    id           INTEGER PRIMARY KEY,
    organizer_id INTEGER NOT NULL REFERENCES organizers(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);

CREATE TABLE events (
    id                   INTEGER PRIMARY KEY,
    slug                 TEXT NOT NULL UNIQUE,
    title                TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    speakers             TEXT NOT NULL DEFAULT '[]',   -- JSON list of {name, affiliation}
    starts_at            TEXT NOT NULL,
    ends_at              TEXT NOT NULL,
    timezone             TEXT NOT NULL,
    join_url             TEXT,
    capacity             INTEGER,                      -- NULL: unlimited
    sectors              TEXT NOT NULL,                -- JSON list of {code, es, en}
    reminders            TEXT NOT NULL,                -- JSON list of durations, e.g. ["1d","1h"]
    report_delay_seconds INTEGER NOT NULL DEFAULT 900,
    organizer_emails     TEXT NOT NULL DEFAULT '[]',   -- JSON list
    doors_open_minutes   INTEGER NOT NULL DEFAULT 15,
    recording_url        TEXT,
    min_minutes_attended INTEGER NOT NULL DEFAULT 0,
    status               TEXT NOT NULL DEFAULT 'draft'
                         CHECK (status IN ('draft', 'published', 'cancelled')),
    registration_open    INTEGER NOT NULL DEFAULT 1,
    sequence             INTEGER NOT NULL DEFAULT 0,   -- iCalendar SEQUENCE, raised on a move
    created_by           INTEGER REFERENCES organizers(id) ON DELETE SET NULL,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);

CREATE TABLE registrations (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    token        TEXT NOT NULL UNIQUE,       -- the personal link; never changes
    email        TEXT NOT NULL,              -- identity: lower-cased and stripped
    name         TEXT NOT NULL,
    organization TEXT NOT NULL DEFAULT '',
    position     TEXT NOT NULL DEFAULT '',
    sector       TEXT NOT NULL,
    country      TEXT NOT NULL,
    language     TEXT NOT NULL CHECK (language IN ('es', 'en')),
    status       TEXT NOT NULL CHECK (status IN ('confirmed', 'waitlisted', 'cancelled')),
    consent_at   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    confirmed_at TEXT,                       -- when it became confirmed (now or by promotion)
    cancelled_at TEXT,
    updated_at   TEXT NOT NULL,
    UNIQUE (event_id, email)
);
CREATE INDEX registrations_by_status ON registrations (event_id, status, created_at, id);

-- The event log: every state change writes its domain event in the same transaction.
-- Consumers read it in id order with their own cursor (consumer_cursors).
CREATE TABLE event_log (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    type            TEXT NOT NULL,
    event_id        INTEGER REFERENCES events(id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES registrations(id) ON DELETE CASCADE,
    payload         TEXT NOT NULL DEFAULT '{}',
    created_at      TEXT NOT NULL
);
CREATE INDEX event_log_by_registration ON event_log (registration_id, type);

CREATE TABLE consumer_cursors (
    name       TEXT PRIMARY KEY,
    position   INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

-- One row per mail a registrant (or organizer) is due: planned by the event-log consumer,
-- claimed and sent by the delivery job. `key` names the mail uniquely, so planning twice
-- plans once: confirmation:<registration>:<log entry>, reminder:<registration>:<offset>:s<seq>,
-- update:<registration>:s<seq>, ...

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,        -- confirmation, waitlisted, promoted, cancelled,
                                          -- reminder, update, resend, event_cancelled
    event_id        INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES registrations(id) ON DELETE CASCADE,
    recipient       TEXT NOT NULL,
    detail          TEXT NOT NULL DEFAULT '',   -- e.g. the reminder offset "1d"
    sequence        INTEGER NOT NULL DEFAULT 0, -- the event's schedule sequence when planned
    status          TEXT NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'skipped')),
    due_at          TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT,                 -- a 'sending' row past this is retried (crash)
    claim           TEXT,                 -- which pass of which process holds it
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    message_id      TEXT NOT NULL,
    sent_at         TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_by_registration ON deliveries (registration_id, kind);
CREATE INDEX deliveries_by_event ON deliveries (event_id, status);

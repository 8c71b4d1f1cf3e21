-- Attendance: join-link visits and presence intervals.
--
-- join_visits: one row per click on a personal join link of a confirmed registration.
-- Whether a click is presence is not stored: readers compare `at` with the event's
-- current window (doors open .. end), so a moved event stays right.
CREATE TABLE join_visits (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    registration_id INTEGER NOT NULL REFERENCES registrations(id) ON DELETE CASCADE,
    at              TEXT NOT NULL
);
CREATE INDEX join_visits_by_event ON join_visits (event_id, registration_id, at);
CREATE INDEX join_visits_by_registration ON join_visits (registration_id, at);

-- presence_intervals: a span of presence from a platform's export, its webhook, the watch
-- page's heartbeats or a manual check-in. registration_id NULL = a walk-in (seen by the
-- platform, matching no registration). `key` names the interval uniquely (derived from its
-- source and content), so a re-import or a re-delivered webhook adds nothing.
CREATE TABLE presence_intervals (
    id              INTEGER PRIMARY KEY,
    event_id        INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    registration_id INTEGER REFERENCES registrations(id) ON DELETE CASCADE,
    email           TEXT,                 -- lower-cased and stripped; NULL when unknown
    name            TEXT NOT NULL DEFAULT '',
    source          TEXT NOT NULL,        -- zoom, teams, meet, zoom_webhook, heartbeat, checkin
    started_at      TEXT NOT NULL,
    ended_at        TEXT,                 -- NULL while open
    key             TEXT NOT NULL UNIQUE,
    created_at      TEXT NOT NULL
);
CREATE INDEX presence_intervals_by_event ON presence_intervals (event_id, registration_id,
                                                                started_at);
CREATE INDEX presence_intervals_by_registration ON presence_intervals (registration_id,
                                                                       started_at);

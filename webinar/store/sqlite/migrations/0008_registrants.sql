-- The organizers' registrants table and their messages to registrants.
--
-- Indexes for the table's sort orders at 100,000 registrations of one event: each starts
-- with event_id and ends with id (the tie-breaker), so a page in any order, either
-- direction, is an index walk. By name: lower(name), the expression the query sorts by
-- (PostgreSQL has the same expression indexes). By sector and by country they also serve
-- the filters of the same name.
CREATE INDEX registrations_by_name ON registrations (event_id, lower(name), id);
CREATE INDEX registrations_by_created ON registrations (event_id, created_at, id);
CREATE INDEX registrations_by_sector ON registrations (event_id, sector, id);
CREATE INDEX registrations_by_country ON registrations (event_id, country, id);

-- broadcasts: a message an organizer wrote to the confirmed registrants of an event (or
-- a filtered set of them). Each recipient gets one delivery, keyed
-- broadcast:<broadcast>:<registration>. `form_key` is the random key of the form it was
-- sent from: the same form sent twice (a double click, a retry) finds the same broadcast
-- and plans nothing more.
CREATE TABLE broadcasts (
    id           INTEGER PRIMARY KEY,
    event_id     INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    organizer_id INTEGER REFERENCES organizers(id) ON DELETE SET NULL,
    form_key     TEXT NOT NULL UNIQUE,
    subject      TEXT NOT NULL,
    body         TEXT NOT NULL,
    audience     TEXT NOT NULL DEFAULT '{}',   -- JSON: the filters it was sent to
    recipients   INTEGER NOT NULL DEFAULT 0,
    created_at   TEXT NOT NULL
);
CREATE INDEX broadcasts_by_event ON broadcasts (event_id, id);

-- The report reads every interval of an event (300,000 for a forum of 100,000): each
-- interval keeps its times also as integer microseconds since the epoch, written by the
-- store beside the text (webinar.clock.micros_of), so that read is integers from an index
-- (a third of the time of turning 600,000 texts into numbers on every report). The text
-- columns stay the record; these follow them. Rows already there are converted here, from
-- to_db's fixed-width 'YYYY-MM-DDTHH:MM:SS.ffffffZ': unixepoch() (SQLite 3.38+) of the
-- whole seconds, then the six fraction digits (given the fraction, unixepoch would round
-- it to milliseconds).
ALTER TABLE presence_intervals ADD COLUMN started_us INTEGER;
ALTER TABLE presence_intervals ADD COLUMN ended_us INTEGER;   -- NULL while open
UPDATE presence_intervals SET
    started_us = unixepoch(substr(started_at, 1, 19)) * 1000000
                 + CAST(substr(started_at, 21, 6) AS INTEGER),
    ended_us = CASE WHEN ended_at IS NULL THEN NULL
                    ELSE unixepoch(substr(ended_at, 1, 19)) * 1000000
                         + CAST(substr(ended_at, 21, 6) AS INTEGER) END;
-- The whole event's read (attendance.registered_presence) in (registration_id, started_us)
-- order from the index alone. It replaces 0010's, whose other uses need only its
-- (event_id, registration_id) prefix.
DROP INDEX presence_intervals_by_event;
CREATE INDEX presence_intervals_by_event ON presence_intervals (event_id, registration_id,
                                                                started_us, ended_us);

-- The report reads every interval of an event (300,000 for a forum of 100,000): each
-- interval keeps its times also as integer microseconds since the epoch, written by the
-- store beside the text (webinar.clock.micros_of), so that read is integers from an index
-- (a third of the time of turning 600,000 texts into numbers on every report). The text
-- columns stay the record; these follow them. Rows already there are converted here.
-- EXTRACT(EPOCH ...) is an exact numeric from PostgreSQL 14 on; on older servers a double
-- whose error stays far under half a microsecond, so the rounding cast is exact.
ALTER TABLE presence_intervals ADD COLUMN started_us BIGINT;
ALTER TABLE presence_intervals ADD COLUMN ended_us BIGINT;   -- NULL while open
UPDATE presence_intervals SET
    started_us = (EXTRACT(EPOCH FROM started_at::timestamptz) * 1000000)::bigint,
    ended_us = (EXTRACT(EPOCH FROM ended_at::timestamptz) * 1000000)::bigint;
-- The whole event's read (attendance.registered_presence) in (registration_id, started_us)
-- order from the index alone. It replaces 0010's, whose other uses need only its
-- (event_id, registration_id) prefix.
DROP INDEX presence_intervals_by_event;
CREATE INDEX presence_intervals_by_event ON presence_intervals (event_id, registration_id,
                                                                started_us, ended_us);

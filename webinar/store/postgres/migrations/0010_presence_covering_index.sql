-- The whole event's attendance reads every interval of the event's registrations in
-- (registration_id, started_at) order (attendance.service: one linear pass). With ended_at
-- in the index that read is a range scan of the index alone, not one table lookup per
-- interval in a random order (intervals arrive in time order, not by registration): at
-- 150,000 intervals 0.2 s instead of 0.7 s of CPU. The new index serves every use of the
-- old one (its columns are a prefix), so the old one goes.
DROP INDEX presence_intervals_by_event;
CREATE INDEX presence_intervals_by_event ON presence_intervals (event_id, registration_id,
                                                                started_at, ended_at);

-- PostgreSQL port of webinar/store/sqlite/migrations/0003_join_token_waitlisted_at.sql (same number, same schema; see
-- webinar/store/postgres/__init__.py for how to port one).
-- The join link gets its own token (registrations.join_token), apart from the manage token
-- (registrations.token): a forwarded join link must not open the manage page. Existing
-- registrations draw one here: 18 random bytes (144 bits, as new_token() draws), as hex.
-- Join links mailed before carry the manage token; the join view still accepts those until
-- the event ends.

ALTER TABLE registrations ADD COLUMN join_token TEXT;
UPDATE registrations SET join_token = left(replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), 36) WHERE join_token IS NULL;
CREATE UNIQUE INDEX registrations_join_token ON registrations (join_token);

-- The waitlist is served in the order people joined it (waitlisted_at), not by when the row
-- was first created: someone who cancels and registers again queues at the end. A
-- waitlisted row changes only when it becomes waitlisted (sign-up or registering again),
-- so its updated_at is when it joined the waitlist.
ALTER TABLE registrations ADD COLUMN waitlisted_at TEXT;
UPDATE registrations SET waitlisted_at = COALESCE(updated_at, created_at)
 WHERE status = 'waitlisted';
CREATE INDEX registrations_waitlist ON registrations (event_id, status, waitlisted_at, id);

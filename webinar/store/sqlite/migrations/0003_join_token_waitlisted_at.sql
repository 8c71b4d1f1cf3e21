-- The join link gets its own token (registrations.join_token), apart from the manage token
-- (registrations.token): a forwarded join link must not open the manage page. Existing
-- registrations draw one here: 18 random bytes (144 bits, as new_token() draws), as hex.
-- Join links mailed before carry the manage token; the join view still accepts those until
-- the event ends.

ALTER TABLE registrations ADD COLUMN join_token TEXT;
UPDATE registrations SET join_token = lower(hex(randomblob(18))) WHERE join_token IS NULL;
CREATE UNIQUE INDEX registrations_join_token ON registrations (join_token);

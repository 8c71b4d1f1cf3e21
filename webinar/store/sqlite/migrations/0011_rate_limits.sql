-- Rate limits and the sign-in throttle shared by every web process on one database: one
-- fixed-window counter per key (webinar.web.security.SharedLimit). `key` is an HMAC of the
-- limit's name and the client address (or account and address) with the deployment's
-- secret key, never the address itself; a row lives only as long as its window
-- (window_ends, epoch seconds) and is deleted after it. One row per key: a new window
-- overwrites the old one in the same statement that counts.
CREATE TABLE rate_limits (
    key           TEXT PRIMARY KEY,
    window_start  INTEGER NOT NULL,   -- epoch seconds
    window_ends   INTEGER NOT NULL,   -- epoch seconds; the row is deleted after this
    hits          INTEGER NOT NULL
);
CREATE INDEX rate_limits_by_end ON rate_limits (window_ends);
-- SQLite: the table exists (one schema, one numbering) but the SQLite store keeps its
-- limits in memory per process; see webinar/web/security.py for why.

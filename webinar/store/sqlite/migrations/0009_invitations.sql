-- Invitations of co-organizers: an address named in an event's organizer_emails that has no
-- organizer account gets a mail with a link to set a password. The link's token is never
-- stored: token_hash is its SHA-256, and the token is derived again for the mail from the
-- deployment's secret key and `nonce` (see webinar.organizers.invitations), so a copy of
-- the database alone opens no invitation. Single use (used_at), valid until expires_at.
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    email       TEXT NOT NULL,                 -- lower-cased and stripped
    token_hash  TEXT NOT NULL UNIQUE,
    nonce       TEXT NOT NULL,
    language    TEXT NOT NULL DEFAULT 'es',    -- the inviter's page language
    invited_by  INTEGER REFERENCES organizers(id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT
);
CREATE INDEX invitations_by_event_email ON invitations (event_id, email, expires_at);

-- PostgreSQL port of webinar/store/sqlite/migrations/0006_event_settings.sql (same number, same schema; see
-- webinar/store/postgres/__init__.py for how to port one).
-- Event settings for the organizers' side and the participant pages:
-- attendance_from_export: 1 when attendance will come from a platform's export (Zoom, Teams,
--   Meet); the wrap-up then holds the thank-you / sorry follow-ups until the organizer sends
--   them after importing, or three days after the end at the latest.
-- certificate_minutes: minutes of presence that earn a certificate of attendance; NULL when
--   the organizer offers no certificates (never 0: a click alone earns none).
-- open_data: 1 when the anonymous aggregate of the ended event is published.
-- host_*: the hosting institution of this forum, overriding the deployment's defaults
--   (WEBINAR_ORG_*) on the pages, in the mails and in the .ics.
ALTER TABLE events ADD COLUMN attendance_from_export INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN certificate_minutes INTEGER;
ALTER TABLE events ADD COLUMN open_data INTEGER NOT NULL DEFAULT 0;
ALTER TABLE events ADD COLUMN host_name TEXT;
ALTER TABLE events ADD COLUMN host_website TEXT;
ALTER TABLE events ADD COLUMN host_contact_email TEXT;
ALTER TABLE events ADD COLUMN host_privacy_url TEXT;

-- PostgreSQL port of webinar/store/sqlite/migrations/0005_event_embed_zoom.sql (same number, same schema; see
-- webinar/store/postgres/__init__.py for how to port one).
-- Two optional event fields for attendance from the platforms:
-- zoom_meeting_id: the Zoom meeting or webinar number (digits only), for events whose join
--   URL does not hold it (a personal /my/ link); Zoom's webhooks find the event by it or by
--   the number in join_url.
-- embed_url: an https player address (YouTube, Vimeo, Jitsi; see webinar/events/embed.py)
--   that the join link shows on our watch page, which measures minutes by heartbeats.
ALTER TABLE events ADD COLUMN zoom_meeting_id TEXT;
ALTER TABLE events ADD COLUMN embed_url TEXT;
CREATE INDEX events_by_zoom_meeting ON events (zoom_meeting_id);

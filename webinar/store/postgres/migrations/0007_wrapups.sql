-- PostgreSQL port of webinar/store/sqlite/migrations/0007_wrapups.sql (same number, same schema; see
-- webinar/store/postgres/__init__.py for how to port one).
-- The wrap-up of each event (see webinar/wrapup/): planned by its event-log consumer when it
-- reads event.created, re-planned when the end, the report delay or the export setting
-- changes. Its two steps run once each, and each is a conditional UPDATE in the same
-- transaction that plans its mail in `deliveries` (unique keys):
--   report:    ran_at set, report mails to the organizers planned (due_at = end + report_delay)
--   follow-ups: followups_released_at set, one thank_you / sorry_missed per confirmed
--              registrant planned (followups_due_at = due_at, or end + 3 days when the
--              attendance comes from a platform's export and the organizer has not sent
--              them yet)
-- skipped: NULL while the wrap-up is armed; the reason when it is not (event cancelled, or
-- not published). report_sends counts the organizer's "send the report again" presses.
CREATE TABLE wrapups (
    event_id              BIGINT PRIMARY KEY REFERENCES events(id) ON DELETE CASCADE,
    due_at                TEXT NOT NULL,
    followups_due_at      TEXT NOT NULL,
    skipped               TEXT,
    ran_at                TEXT,
    followups_released_at TEXT,
    followups_released_by TEXT,           -- 'schedule' or 'organizer'
    report_sends          INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX wrapups_due ON wrapups (due_at);
CREATE INDEX wrapups_followups_due ON wrapups (followups_due_at);

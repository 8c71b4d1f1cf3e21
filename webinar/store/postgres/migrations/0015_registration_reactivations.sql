-- How many times a cancelled registration was taken up again (registering again for the
-- same event reactivates its row). The .ics invite's SEQUENCE counts it twice (cancel,
-- then register again), so each invite for the registration's UID is newer than the
-- cancellation before it: calendars (RFC 5546) ignore an invite whose SEQUENCE is not
-- above the one they hold, and kept a re-registered person's entry cancelled.
ALTER TABLE registrations ADD COLUMN reactivations INTEGER NOT NULL DEFAULT 0;

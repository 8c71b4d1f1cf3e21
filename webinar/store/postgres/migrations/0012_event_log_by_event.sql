-- The organizers' registrants table keeps a whole event's attendance between requests
-- and checks, on each use, that nothing changed it: the event's last log entry (every
-- attendance change logs one with the event's id). This index makes that one lookup
-- instead of a scan of the whole log, and a change to another event no longer counts.
CREATE INDEX event_log_by_event ON event_log (event_id, id);

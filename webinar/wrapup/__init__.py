"""The wrap-up of an event, once, `report_delay` after its end: the report to the
organizers and the follow-ups (thank-you / sorry we missed you) to its registrants."""

"""Mail: planning from the event log, reminders, delivery with leases, messages, transport."""

"""Events: the forum an organizer publishes (model, fields, durations) and its services."""

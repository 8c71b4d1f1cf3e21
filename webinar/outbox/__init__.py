"""The event log (transactional outbox) and the consumer loop that reads it."""

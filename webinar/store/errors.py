"""What a store raises, whatever the database behind it."""


class StoreError(Exception):
    """A database problem the services may want to tell apart."""


class UniqueViolation(StoreError):
    """An insert or update broke a unique constraint."""


class DatabaseUnavailable(StoreError):
    """The database named by WEBINAR_DB does not answer (the message holds no password)."""

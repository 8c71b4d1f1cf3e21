"""Domain errors: one small hierarchy that services raise and the web layer maps to HTTP
in one place (`webinar.web.middleware`)."""


class DomainError(Exception):
    """A rule said no; the message is for logs, the type decides the answer."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the asker)."""


class Conflict(DomainError):
    """The request is understood but clashes with the current state."""


class EventNotFound(NotFound):
    pass


class RegistrationNotFound(NotFound):
    pass


class SlugTaken(Conflict):
    pass


class RegistrationClosed(Conflict):
    pass


class WrongStatus(Conflict):
    """The action does not apply to the event as it is now (publish a cancelled event)."""

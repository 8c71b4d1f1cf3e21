"""Validation shared by the pydantic models at the edges: the email identity, single-line
text (never shaped like an RFC 2047 encoded word, so it is plain text in a mail header),
our own error codes, and `field_errors`, which turns a ValidationError into
{field: message} in the reader's language.

Error messages are English source strings marked for translation.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import BeforeValidator, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from webinar.i18n import N_

CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
# The shape of an RFC 2047 encoded word (=?charset?q?text?=): mail software decodes it in
# a header, so in text that can reach one it could add headers. Refused outright.
ENCODED_WORD = re.compile(r"=\?.*\?=", re.S)

# The error codes our validators raise, with messages already marked for translation.
_OWN_CODES = frozenset({
    "consent_required",
    "country_unknown",
    "datetime_range",
    "duration",
    "embed_url",
    "email_invalid",
    "email_missing",
    "meeting_id",
    "encoded_word",
    "ends_at",
    "reminders",
    "sector_unknown",
    "sectors",
    "single_line",
    "slug",
    "timezone",
    "url",
})


def custom_error(code: str, message: str) -> PydanticCustomError:
    assert code in _OWN_CODES, code
    return PydanticCustomError(code, message)


def normalize_email(value: Any) -> str:
    """The email identity: stripped and lower-cased, and a valid address."""
    if not isinstance(value, str) or not value.strip():
        raise custom_error("email_missing", N_("Enter your email address."))
    text = value.strip().lower()
    if len(text) > 254 or CONTROL.search(text) or ENCODED_WORD.search(text):
        raise custom_error("email_invalid",
                           N_("Enter a valid email address, like name@example.org."))
    try:
        checked = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise custom_error(
            "email_invalid", N_("Enter a valid email address, like name@example.org.")
        ) from None
    return checked.normalized.lower()


def _single_line(value: Any) -> Any:
    if isinstance(value, str):
        if CONTROL.search(value):
            raise custom_error("single_line", N_("Use a single line of text."))
        text = " ".join(value.split())
        if ENCODED_WORD.search(text):
            raise custom_error("encoded_word",
                               N_("This text cannot contain “=?” followed by “?=”."))
        return text
    return value


def _blank_is_none(value: Any) -> Any:
    """An optional field left empty (a form sends "") means not set."""
    return None if isinstance(value, str) and not value.strip() else value


Email = Annotated[str, BeforeValidator(normalize_email)]
Line = Annotated[str, BeforeValidator(_single_line)]
OptionalEmail = Annotated[Email | None, BeforeValidator(_blank_is_none)]
OptionalLine = Annotated[Line | None, BeforeValidator(_blank_is_none)]



def field_errors(exc: ValidationError, translate=lambda s: s) -> dict[str, str]:
    """{field: message}, the first error of each field, translated."""
    errors: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        field = loc[0] if loc else "__all__"
        if field == "__all__" and err["type"] in ("ends_at",):
            field = "ends_at"
        if field in errors:
            continue
        errors[field] = translate(_message(err))
    return errors


_GENERIC = {
    "missing": N_("This field is required."),
    "string_too_short": N_("This field is required."),
    "string_too_long": N_("This is too long."),
    "too_long": N_("Too many items."),
    "too_short": N_("This field is required."),
    "literal_error": N_("Choose one of the options offered."),
    "int_parsing": N_("Enter a whole number."),
    "int_type": N_("Enter a whole number."),
    "greater_than_equal": N_("This number is too small."),
    "less_than_equal": N_("This number is too large."),
    "datetime_parsing": N_("Enter a date and time like 2026-12-03T09:00:00-06:00."),
    "datetime_type": N_("Enter a date and time like 2026-12-03T09:00:00-06:00."),
    "timezone_aware": N_("Enter a date and time with its offset, like 2026-12-03T09:00:00-06:00."),
    "string_type": N_("Enter text."),
    "bool_parsing": N_("Enter true or false."),
    "bool_type": N_("Enter true or false."),
    "list_type": N_("Enter a list."),
    "extra_forbidden": N_("This field is not known."),
    "string_pattern_mismatch": N_("This value has the wrong form."),
    "model_type": N_("This value has the wrong form."),
    "model_attributes_type": N_("This value has the wrong form."),
    "dict_type": N_("This value has the wrong form."),
}


def _message(err: ErrorDetails) -> str:
    if err["type"] in _GENERIC:
        return _GENERIC[err["type"]]
    if err["type"] in _OWN_CODES:
        # Raised by our validators with a message already marked for translation.
        return err["msg"]
    return N_("This value is not valid.")

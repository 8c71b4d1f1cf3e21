"""The registration form and POST /api/v1/events/{slug}/registrations, validated at the edge."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from webinar.i18n import N_, country_codes
from webinar.validation import Email, Line, custom_error


def _truthy(value: Any) -> Any:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "on", "yes", "true", "si", "sí")
    return value



class RegistrationIn(BaseModel):
    """The registration form and POST /api/v1/events/{slug}/registrations."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: Line = Field(min_length=1, max_length=200)
    email: Email
    organization: Line = Field(default="", max_length=200)
    position: Line = Field(default="", max_length=200)
    sector: str = Field(max_length=50)
    country: str = Field(max_length=2)
    language: Literal["es", "en"] = "es"
    consent: Annotated[bool, BeforeValidator(_truthy)] = Field(default=False, validate_default=True)

    @field_validator("sector")
    @classmethod
    def _offered_sector(cls, value: str, info: ValidationInfo) -> str:
        offered = (info.context or {}).get("sectors")
        if offered is not None and value not in offered:
            raise custom_error("sector_unknown", N_("Choose one of the sectors listed."))
        return value

    @field_validator("country", mode="before")
    @classmethod
    def _iso_country(cls, value: Any) -> str:
        code = value.strip().upper() if isinstance(value, str) else ""
        if code not in country_codes():
            raise custom_error("country_unknown", N_("Choose your country from the list."))
        return code

    @field_validator("consent")
    @classmethod
    def _consent_given(cls, value: bool) -> bool:
        if value is not True:
            raise custom_error(
                "consent_required",
                N_("Please accept that we keep your data to run this event."),
            )
        return value



class DetailsIn(BaseModel):
    """POST /r/{token}/details: what a registrant may correct, by the registration form's
    rules (the address, sector and country stay: they are what the registration is)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: Line = Field(min_length=1, max_length=200)
    organization: Line = Field(default="", max_length=200)
    position: Line = Field(default="", max_length=200)
    language: Literal["es", "en"] = "es"

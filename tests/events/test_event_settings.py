"""The event settings of migration 0006 (attendance from an export, certificate minimum,
open data, the hosting institution), as an organizer sets them through the API."""

from __future__ import annotations

from tests.conftest import create_event, organizer_token


async def test_the_settings_default_to_off_and_empty(client):
    event = await create_event(client)
    assert event["attendance_from_export"] is False
    assert event["certificate_minutes"] is None and event["open_data"] is False
    assert [event[k] for k in ("host_name", "host_website", "host_contact_email",
                               "host_privacy_url")] == [None] * 4


async def test_the_settings_are_kept_and_blank_optional_fields_mean_unset(client):
    token = await organizer_token(client)
    event = await create_event(
        client, token, attendance_from_export=True, certificate_minutes=45, open_data=True,
        host_name="  Universidad  de San Carlos ", host_website="https://usac.edu.gt",
        host_contact_email="Foros@USAC.edu.gt", host_privacy_url="")
    assert event["attendance_from_export"] is True and event["open_data"] is True
    assert event["certificate_minutes"] == 45
    assert event["host_name"] == "Universidad de San Carlos"
    assert event["host_contact_email"] == "foros@usac.edu.gt"
    assert event["host_privacy_url"] is None
    resp = await client.patch(f"/api/v1/events/{event['slug']}",
                              json={"host_contact_email": "", "certificate_minutes": None},
                              headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200
    changed = await resp.json()
    assert changed["host_contact_email"] is None and changed["certificate_minutes"] is None
    assert changed["host_name"] == "Universidad de San Carlos"


async def test_a_certificate_minimum_of_zero_and_a_bad_contact_are_refused(client):
    token = await organizer_token(client)
    resp = await client.post("/api/v1/events", json={
        "slug": "x", "title": "X", "starts_at": "2030-01-01T10:00:00Z",
        "ends_at": "2030-01-01T11:00:00Z", "certificate_minutes": 0,
        "host_contact_email": "not an address", "host_website": "ftp://x"},
        headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 422
    errors = (await resp.json())["errors"]
    assert {"certificate_minutes", "host_contact_email", "host_website"} <= set(errors)

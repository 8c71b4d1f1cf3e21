"""Who organizes: deployment-wide defaults in settings (WEBINAR_ORG_*), overridden per
event by its hosting institution, shown in the page header and footer."""

from __future__ import annotations

import pytest

from tests.conftest import create_event
from webinar.app import create_app

LOGO = (b'<svg xmlns="http://www.w3.org/2000/svg" width="24" height="24">'
        b'<rect width="24" height="24" fill="#0b5cad"/></svg>')


@pytest.fixture
async def org_client(aiohttp_client, settings, clock, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_bytes(LOGO)
    configured = settings.model_copy(update={
        "org_name": "Universidad del Valle", "org_website": "https://uvg.example.edu",
        "org_contact": "foros@uvg.example.edu",
        "org_privacy_url": "https://uvg.example.edu/privacidad", "org_logo": logo,
    })
    return await aiohttp_client(create_app(configured, clock=clock))


async def test_the_deployment_defaults_show_in_header_and_footer(org_client):
    await create_event(org_client)
    for path in ("/", "/events/foro-digital"):
        html = await (await org_client.get(path)).text()
        header = html.split("<header>")[1].split("</header>")[0]
        assert "Universidad del Valle" in header
        assert "Foros virtuales" not in header
        assert '<img src="data:image/svg+xml;base64,' in header and 'alt=""' in header
        footer = html.split("<footer>")[1].split("</footer>")[0]
        assert 'href="mailto:foros@uvg.example.edu"' in footer
        assert 'href="https://uvg.example.edu/privacidad"' in footer


async def test_an_event_host_overrides_the_defaults(org_client):
    await create_event(org_client, host_name="FLACSO Guatemala",
                       host_contact_email="eventos@flacso.example.org",
                       host_privacy_url="https://flacso.example.org/datos")
    html = await (await org_client.get("/events/foro-digital")).text()
    header = html.split("<header>")[1].split("</header>")[0]
    assert "FLACSO Guatemala" in header and "Universidad del Valle" not in header
    footer = html.split("<footer>")[1].split("</footer>")[0]
    assert 'href="mailto:eventos@flacso.example.org"' in footer
    assert 'href="https://flacso.example.org/datos"' in footer
    # The front page still speaks for the deployment.
    front = await (await org_client.get("/")).text()
    assert "Universidad del Valle" in front.split("</header>")[0]


async def test_without_settings_the_header_keeps_a_neutral_name(client):
    html = await (await client.get("/")).text()
    assert "Foros virtuales" in html.split("</header>")[0]
    assert "<img" not in html


def test_a_logo_that_is_too_big_or_not_an_image_is_refused(settings, tmp_path):
    big = tmp_path / "big.png"
    big.write_bytes(b"\x89PNG" + b"0" * 9_000)  # over 8 KB: the 30 KB page budget
    with pytest.raises(ValueError, match="WEBINAR_ORG_LOGO|logo"):
        settings.model_copy(update={"org_logo": big}).org_logo_data_uri()
    text = tmp_path / "logo.txt"
    text.write_text("hi")
    with pytest.raises(ValueError, match="logo"):
        settings.model_copy(update={"org_logo": text}).org_logo_data_uri()

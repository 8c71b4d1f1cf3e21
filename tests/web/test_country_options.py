"""The registration form's country list, made once per language and choice
(webinar.web.choices): the same options, in the same order, as writing each one out, with
the chosen one marked and nothing else."""

from __future__ import annotations

import re

from markupsafe import escape

from tests.conftest import create_event, person, submit_form
from tests.web.test_admin_registrants import URL, setup_event
from webinar.i18n import countries
from webinar.web.choices import country_options


def written_out(lang: str, selected: str) -> str:
    return "".join(
        f'<option value="{escape(code)}"{" selected" if code == selected else ""}>'
        f"{escape(name)}</option>" for code, name in countries(lang))


def test_the_options_are_each_country_in_the_languages_order():
    for lang in ("es", "en"):
        assert str(country_options(lang, "")) == written_out(lang, "")
        assert str(country_options(lang, "MX")) == written_out(lang, "MX")
    spanish = str(country_options("es", ""))
    assert spanish.startswith('<option value="GT">Guatemala</option>')
    assert "México" in spanish and "Mexico" in str(country_options("en", ""))


def test_only_the_chosen_country_is_marked():
    html = str(country_options("es", "SV"))
    assert re.findall(r'<option value="(\w+)" selected>', html) == ["SV"]
    assert "selected" not in str(country_options("es", ""))


def test_a_value_that_is_no_country_marks_none_and_is_not_written():
    for tampered in ('"><script>alert(1)</script>', "ZZ", "gt"):
        html = str(country_options("es", tampered))
        assert "selected" not in html and "<script>" not in html
        assert html == written_out("es", "")


async def test_the_form_comes_back_with_the_chosen_country_still_chosen(client):
    event = await create_event(client)
    fresh = await (await client.get(f"/events/{event['slug']}?lang=es")).text()
    assert str(country_options("es", "")) in fresh
    resp = await submit_form(client, event["slug"], person(1, name="", country="SV"),
                             lang="es")
    assert resp.status == 422
    html = await resp.text()
    assert re.findall(r'<option value="(\w+)" selected>', html.split('id="country"')[1]
                      .split("</select>")[0]) == ["SV"]


async def test_the_registrants_filter_keeps_the_chosen_country(client):
    await setup_event(client)
    resp = await client.get(f"{URL}?country=SV", headers={"Accept-Language": "es"})
    assert resp.status == 200
    html = await resp.text()
    listed = html.split('id="f-country"')[1].split("</select>")[0]
    assert str(country_options("es", "SV")) in listed
    assert re.findall(r'<option value="(\w+)" selected>', listed) == ["SV"]

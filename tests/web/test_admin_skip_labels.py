"""The organizer's mail log names why a mail was skipped in the page's language: every
reason the delivery rule (`delivery.skip_reason`) and the planner give has a translated
label, and the page shows it (a relay's own error text is shown as the relay wrote it)."""

from __future__ import annotations

import itertools
from datetime import timedelta

from tests.conftest import (
    EVENT_START,
    NOW,
    cancel_registration,
    person,
    register_api,
    run_scheduler,
)
from tests.factories import a_registration, an_event
from tests.web.test_admin_registrants import SLUG, setup_event
from webinar.i18n import translations
from webinar.mail import delivery, planner

KINDS = sorted(delivery.KIND_LABELS)


def test_every_skip_reason_has_a_label_in_both_languages():
    seen = set()
    for kind, reg_status, event_status, sequence, moment, gone in itertools.product(
            KINDS, ("confirmed", "waitlisted", "cancelled"),
            ("draft", "published", "cancelled"), (0, 1),
            (NOW, EVENT_START + timedelta(minutes=5), EVENT_START + timedelta(hours=3)),
            (None, "reg", "event")):
        event = an_event(status=event_status, sequence=1)
        reg = a_registration(status=reg_status)
        row = {"kind": kind, "sequence": sequence}
        reason = delivery.skip_reason(row, None if gone == "reg" else reg,
                                      None if gone == "event" else event, moment)
        if reason is not None:
            seen.add(reason)
    # The planner's reasons, as written in its source (skip_pending(reason="...")).
    planned = {line.split('reason="')[1].split('"')[0]
               for line in open(planner.__file__, encoding="utf-8") if 'reason="' in line}
    assert planned >= {"event cancelled", "registration cancelled", "re-planned"}
    assert seen | planned <= set(delivery.SKIP_LABELS)
    assert len(seen) >= 10, seen  # the grid reaches the rule's branches
    spanish = translations("es").gettext
    for label in delivery.SKIP_LABELS.values():
        assert spanish(label) != label, label


async def test_the_mail_log_shows_the_reason_in_spanish(client, clock):
    await setup_event(client)
    resp = await register_api(client, SLUG, person(1))
    token = (await resp.json())["manage_link"].rsplit("/", 1)[1]
    await run_scheduler(client)  # the confirmation goes out
    assert (await cancel_registration(client, token)).status == 303
    await run_scheduler(client)
    page = await client.get(f"/admin/events/{SLUG}?mail=skipped",
                            headers={"Accept-Language": "es"})
    html = await page.text()
    assert page.status == 200
    assert translations("es").gettext("the registration was cancelled") in html
    assert "registration cancelled<" not in html

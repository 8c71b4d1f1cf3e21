"""Two `webinar scheduler` processes on one PostgreSQL database (as on two hosts), one
real SMTP server: while sign-ups keep arriving, both plan from the event log and claim
and send mail at the same time, and every confirmation arrives exactly once (claims FOR
UPDATE SKIP LOCKED, plans keyed ON CONFLICT DO NOTHING, cursors locked)."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import event_body, person
from tests.serving import start_logged, webinar_command, webinar_env
from webinar.events import service as events
from webinar.events.fields import EventFields
from webinar.registrations import service as registrations
from webinar.registrations.fields import RegistrationIn
from webinar.store.postgres.database import PostgresStore

pytestmark = pytest.mark.once  # PostgreSQL itself, no store parameter

SCHEDULERS, PEOPLE = 2, 120


async def test_two_scheduler_processes_send_each_mail_once(postgres_cluster, smtp, tmp_path):
    inbox, smtp_port = smtp
    name = f"schedulers_{os.getpid()}"
    await postgres_cluster.admin(f'CREATE DATABASE "{name}"')
    url = postgres_cluster.url(name)
    env = webinar_env(db=url, data_dir=tmp_path, secret_key="sched",
                      smtp_url=f"smtp://127.0.0.1:{smtp_port}", poll_seconds=0.3,
                      delivery_batch=7, mail_from="Foros <foros@example.org>")
    store = PostgresStore(url)
    await store.connect()
    await store.migrate()  # before the schedulers: they find the schema made
    procs = []
    try:
        for n in range(SCHEDULERS):
            procs.append(await start_logged(webinar_command("scheduler"),
                                            tmp_path / f"scheduler-{n}.log",
                                            env=env, cwd=tmp_path))
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
        fields = EventFields.model_validate(event_body(
            slug="mail-once", starts_at=start.isoformat(),
            ends_at=(start + timedelta(hours=2)).isoformat()))
        event = await events.create(store, datetime.now(UTC), fields, None)
        for n in range(PEOPLE):  # in bursts, while both schedulers run
            data = RegistrationIn.model_validate(person(n), context={
                "sectors": event.sector_codes})
            await registrations.register(store, datetime.now(UTC), event, data)
            if n % 20 == 19:
                await asyncio.sleep(0.5)
        await inbox.wait_for(PEOPLE, seconds=120)
        await asyncio.sleep(3 * 0.3 + 2)  # a few more passes of both: nothing more comes
        for proc in procs:
            assert proc.returncode is None, "a scheduler exited"
        recipients = Counter(str(m["To"]) for m in inbox.messages)
        assert len(recipients) == PEOPLE
        assert set(recipients.values()) == {1}, recipients.most_common(3)
        assert len({m["Message-ID"] for m in inbox.messages}) == PEOPLE
        rows = await store.deliveries._conn.fetchall(
            "SELECT kind, status, COUNT(*) AS n FROM deliveries"
            " GROUP BY kind, status ORDER BY kind, status")
        # Each confirmation sent; each of the two reminders planned once, not yet due.
        assert rows == [{"kind": "confirmation", "status": "sent", "n": PEOPLE},
                        {"kind": "reminder", "status": "pending", "n": 2 * PEOPLE}]
    finally:
        for proc in procs:
            if proc.returncode is None:
                proc.terminate()
        codes = [await asyncio.wait_for(proc.wait(), timeout=60) for proc in procs]
        await store.close()
        await postgres_cluster.admin(f'DROP DATABASE "{name}" WITH (FORCE)')
    assert codes == [0] * SCHEDULERS  # SIGTERM: a clean stop

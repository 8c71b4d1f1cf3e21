"""Organizer accounts on a real SQLite store with a fixed clock: passwords, API tokens,
and admin sessions that end exactly SESSION_LIFETIME after they open."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import NOW
from tests.factories import open_store
from webinar.organizers import accounts

US = timedelta(microseconds=1)


@pytest.fixture
async def store(tmp_path):
    async with open_store(tmp_path / "webinar.db") as store:
        yield store


async def test_a_session_lasts_twelve_hours_and_not_a_moment_more(store):
    org = await accounts.create(store, NOW, "org@example.org", "a long password")
    token = await accounts.open_session(store, NOW, org)
    assert await accounts.by_session(store, NOW, token) == org
    last = NOW + timedelta(hours=12) - US
    assert await accounts.by_session(store, last, token) == org
    assert await accounts.by_session(store, NOW + timedelta(hours=12), token) is None


async def test_a_closed_or_unknown_session_lets_no_one_in(store):
    org = await accounts.create(store, NOW, "org@example.org", "a long password")
    token = await accounts.open_session(store, NOW, org)
    for bad in (None, "", "nope", token + "x", "x" * 201):
        assert await accounts.by_session(store, NOW, bad) is None
    await accounts.close_session(store, token)
    assert await accounts.by_session(store, NOW, token) is None


async def test_passwords(store):
    with pytest.raises(ValueError):
        await accounts.create(store, NOW, "org@example.org", "1234567")
    org = await accounts.create(store, NOW, " Org@Example.org", "12345678")
    assert org.email == "org@example.org"
    assert await accounts.check_password(store, "ORG@example.org", "12345678") == org
    assert await accounts.check_password(store, "org@example.org", "123456789") is None
    assert await accounts.check_password(store, "other@example.org", "12345678") is None
    assert await accounts.check_password(store, "not an email", "12345678") is None
    # creating again sets a new password for the same organizer
    again = await accounts.create(store, NOW, "org@example.org", "another password")
    assert again.id == org.id
    assert await accounts.check_password(store, "org@example.org", "12345678") is None
    assert await accounts.check_password(store, "org@example.org", "another password") == org


async def test_bearer_tokens(store):
    org = await accounts.create(store, NOW, "org@example.org", "a long password")
    token = await accounts.create_token(store, NOW, "Org@example.org")
    assert token.startswith("wbt_")
    assert await accounts.by_bearer(store, token) == org
    for bad in ("", "wbt_nope", token + "x", "x" * 201):
        assert await accounts.by_bearer(store, bad) is None
    with pytest.raises(LookupError):
        await accounts.create_token(store, NOW, "nobody@example.org")


async def test_a_hash_with_old_parameters_is_upgraded_at_the_next_login(store):
    from argon2 import PasswordHasher

    org = await accounts.create(store, NOW, "org@example.org", "a long password")
    async with store.transaction() as tx:
        await tx.organizers.set_password_hash(
            org.id, PasswordHasher(time_cost=1, memory_cost=8192).hash("a long password"))
    assert await accounts.check_password(store, "org@example.org", "a long password") == org
    stored = (await store.organizers.by_email("org@example.org"))["password_hash"]
    assert not PasswordHasher().check_needs_rehash(stored)
    assert await accounts.check_password(store, "org@example.org", "a long password") == org

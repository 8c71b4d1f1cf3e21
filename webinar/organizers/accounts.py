"""Organizer accounts: argon2 passwords, hashed API bearer tokens, admin sessions."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from webinar.clock import to_db
from webinar.store.interface import Row, Store
from webinar.validation import normalize_email

SESSION_LIFETIME = timedelta(hours=12)
MIN_PASSWORD, MAX_PASSWORD = 8, 1024


class _Passwords:
    """The argon2 hasher, and the hash an unknown account's sign-in is verified against
    (so the answer takes as long as for a known one). That hash is made on first use and
    kept here: hashing costs about 0.18 s, and every CLI command and worker imports this
    module without signing anyone in."""

    def __init__(self) -> None:
        self.hasher = PasswordHasher()

    @cached_property
    def dummy_hash(self) -> str:
        return self.hasher.hash("not a password")


_passwords = _Passwords()
_hasher = _passwords.hasher


@dataclass(frozen=True)
class Organizer:
    id: int
    email: str

    @classmethod
    def from_row(cls, row: Row) -> Organizer:
        return cls(id=row["id"], email=row["email"])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_password(password: str) -> str:
    """The argon2 hash of a new password; ValueError when it is too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise ValueError("the password needs at least 8 characters")
    if len(password) > MAX_PASSWORD:
        raise ValueError("the password is too long")
    return _hasher.hash(password)


async def create(store: Store, now: datetime, email: str, password: str) -> Organizer:
    """Create an organizer, or set a new password for an existing one."""
    password_hash = hash_password(password)
    address = normalize_email(email)
    async with store.transaction() as tx:
        row = await tx.organizers.insert(address, password_hash, to_db(now))
    return Organizer.from_row(row)


async def create_token(store: Store, now: datetime, email: str) -> str:
    row = await store.organizers.by_email(normalize_email(email))
    if row is None:
        raise LookupError(f"no organizer with email {email}")
    token = "wbt_" + secrets.token_urlsafe(32)
    async with store.transaction() as tx:
        await tx.organizers.insert_token(row["id"], _digest(token), to_db(now))
    return token


async def by_bearer(store: Store, token: str) -> Organizer | None:
    if not token or len(token) > 200:
        return None
    row = await store.organizers.by_token_hash(_digest(token))
    return Organizer.from_row(row) if row else None


async def check_password(store: Store, email: str, password: str) -> Organizer | None:
    try:
        address = normalize_email(email)
    except Exception:
        address = ""
    row = await store.organizers.by_email(address) if address else None
    try:
        _hasher.verify(row["password_hash"] if row else _passwords.dummy_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if row is None:
        return None
    if _hasher.check_needs_rehash(row["password_hash"]):
        async with store.transaction() as tx:
            await tx.organizers.set_password_hash(row["id"], _hasher.hash(password))
    return Organizer.from_row(row)


async def open_session(store: Store, now: datetime, organizer: Organizer) -> str:
    token = secrets.token_urlsafe(32)
    async with store.transaction() as tx:
        await tx.organizers.insert_session(organizer.id, _digest(token), to_db(now),
                                 to_db(now + SESSION_LIFETIME))
    return token


async def by_session(store: Store, now: datetime, token: str | None) -> Organizer | None:
    if not token or len(token) > 200:
        return None
    row = await store.organizers.by_session_hash(_digest(token), to_db(now))
    return Organizer.from_row(row) if row else None


async def close_session(store: Store, token: str) -> None:
    async with store.transaction() as tx:
        await tx.organizers.delete_session(_digest(token))

"""Settings read from WEBINAR_* environment variables (see the README's table)."""

from __future__ import annotations

import base64
import ipaddress
import os
import re
import secrets
import tempfile
import time
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WEBINAR_", extra="ignore")

    data_dir: Path = Path("./var")
    db: str | None = None
    base_url: str = "http://127.0.0.1:8080"
    secret_key: str | None = None
    smtp_url: str | None = None
    mail_from: str = "noreply@localhost"
    timezone: str = "America/Guatemala"
    zoom_webhook_secret: str | None = None
    rate_limit: str = "30/minute"
    # Addresses or networks of the reverse proxies / load balancers in front of the web
    # processes (comma-separated, e.g. "10.0.0.0/8,127.0.0.1"): from them, the client is
    # the last X-Forwarded-For hop they did not add themselves. Unset: the peer address.
    trusted_proxies: str = ""
    # Who organizes, by default (an event's host_* fields override it): shown in the
    # page header and footer, the mails' From name and Reply-To, the invite's ORGANIZER.
    org_name: str | None = Field(default=None, max_length=200)
    org_website: str | None = None
    org_contact: str | None = None
    org_privacy_url: str | None = None
    # A small SVG or PNG file (at most 8 KB), inlined into the pages' header.
    org_logo: Path | None = None
    # Mail delivery tuning: connections kept open to the relay, and messages per batch.
    smtp_connections: int = Field(default=4, ge=1, le=64)
    delivery_batch: int = Field(default=200, ge=1, le=5000)
    # A mail claimed by a sender that then died is sent again after this many seconds;
    # at least the SMTP timeout, or a slow send outlives its claim (see _lease_covers_send).
    delivery_lease: int = Field(default=60, ge=1, le=3600)
    # PostgreSQL only: connections each process keeps in its pool (asyncpg).
    db_pool_size: int = Field(default=10, ge=1, le=200)
    # How often the scheduler looks for work when nothing nudges it.
    poll_seconds: float = Field(default=5.0, gt=0, le=300)

    @field_validator("org_website", "org_privacy_url")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be a web address starting with https://")
        return value or None

    @field_validator("org_contact")
    @classmethod
    def _contact_address(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[^\s@<>\"',;]+@[^\s@<>\"',;]+\.[^\s@<>\"',;]+", value):
            raise ValueError("must be one email address, like foros@example.org")
        return value.strip().lower() if value else None

    @field_validator("org_name")
    @classmethod
    def _one_line_name(cls, value: str | None) -> str | None:
        return " ".join(value.split()) or None if value else None

    def org_logo_data_uri(self) -> str | None:
        """WEBINAR_ORG_LOGO as a data: URI for the page header (served from our origin,
        counted in the page weight); ValueError for a file that is not a small SVG/PNG."""
        if self.org_logo is None:
            return None
        stat = self.org_logo.stat()
        return _logo_data_uri(str(self.org_logo), stat.st_mtime_ns, stat.st_size)

    @field_validator("base_url")
    @classmethod
    def _strip_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("db")
    @classmethod
    def _db_supported(cls, value: str | None) -> str | None:
        if value and postgres_url(value) is None:
            sqlite_path(value)
        return value

    @field_validator("rate_limit")
    @classmethod
    def _rate_format(cls, value: str) -> str:
        parse_rate(value)
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_format(cls, value: str) -> str:
        parse_networks(value)
        return value

    @model_validator(mode="after")
    def _lease_covers_send(self) -> Settings:
        config = self.smtp()
        if config is not None and self.delivery_lease < config.timeout:
            raise ValueError(
                f"WEBINAR_DELIVERY_LEASE ({self.delivery_lease} s) must not be shorter than"
                f" the SMTP timeout ({config.timeout:g} s, the timeout of WEBINAR_SMTP_URL,"
                " 30 s unless set): a send could outlive its lease and go out twice")
        return self

    @property
    def db_path(self) -> Path:
        """The SQLite file; ValueError (with the reason) for a database we cannot open."""
        return sqlite_path(self.db) if self.db else self.data_dir / "webinar.db"

    @property
    def postgres_url(self) -> str | None:
        """The PostgreSQL URL when WEBINAR_DB names one (postgresql:// or postgres://),
        else None (the SQLite file at `db_path`)."""
        return postgres_url(self.db) if self.db else None

    @property
    def mail_dir(self) -> Path:
        return self.data_dir / "mail"

    def ensure_secret_key(self, wait: float = 5.0) -> str:
        """The secret key: the configured one, else one generated once into the data dir.

        Processes starting together agree on one key: the first to link its complete key
        file into place wins, and an empty file is never taken for a key (`wait` seconds
        for it to fill, then an error)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / "secret_key"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            _publish_secret(path, secrets.token_urlsafe(48))
        self.secret_key = _read_secret(path, wait)
        return self.secret_key

    def smtp(self) -> SmtpConfig | None:
        return SmtpConfig.from_url(self.smtp_url) if self.smtp_url else None


LOGO_MAX_BYTES = 8 * 1024
_LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png"}


@lru_cache(maxsize=4)
def _logo_data_uri(path: str, _mtime_ns: int, size: int) -> str:
    kind = _LOGO_TYPES.get(Path(path).suffix.lower())
    if kind is None:
        raise ValueError("WEBINAR_ORG_LOGO: the logo must be an .svg or .png file")
    if size > LOGO_MAX_BYTES:
        raise ValueError(f"WEBINAR_ORG_LOGO: the logo is {size} bytes; keep it under "
                         f"{LOGO_MAX_BYTES} (every page carries it)")
    data = Path(path).read_bytes()
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


_URL_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


def load_settings() -> Settings:
    """Settings from the environment; a SystemExit naming each bad variable and why (and
    not its value, which may hold a password) when any is invalid."""
    try:
        return Settings()
    except ValidationError as exc:
        lines = []
        for err in exc.errors(include_url=False, include_input=False):
            name = "WEBINAR_" + "_".join(str(p) for p in err["loc"]).upper()
            lines.append(f"error: {name}: {err['msg'].removeprefix('Value error, ')}")
        raise SystemExit("\n".join(lines)) from None


def postgres_url(value: str) -> str | None:
    """WEBINAR_DB when it is a PostgreSQL URL (postgresql://, postgres://,
    postgresql+asyncpg://), else None."""
    match = _URL_SCHEME.match(value)
    if match and match.group(1).lower().split("+")[0] in ("postgres", "postgresql"):
        return value
    return None


def sqlite_path(value: str) -> Path:
    """WEBINAR_DB as a file: a plain path, `sqlite:///relative/path` or
    `sqlite:////absolute/path`. Any other URL is refused with the reason."""
    match = _URL_SCHEME.match(value)
    if not match:
        return Path(value)
    scheme = match.group(1).lower()
    if scheme == "sqlite":
        parts = urlsplit(value)
        if parts.netloc:
            raise ValueError("sqlite URLs with a host are not supported; write "
                             "sqlite:///relative/path or sqlite:////absolute/path")
        path = unquote(parts.path)[1:]  # the slash after the empty host is not the path's
        if not path:
            raise ValueError("the sqlite URL names no file; write sqlite:///path/to/webinar.db")
        return Path(path)
    if scheme.split("+")[0] in ("postgres", "postgresql"):
        raise ValueError("WEBINAR_DB names a PostgreSQL database, not an SQLite file")
    # The scheme only: the rest of the URL may hold a password.
    raise ValueError(f"database scheme {scheme}:// is not supported; use a file path or "
                     "sqlite:///path")


def _publish_secret(path: Path, key: str) -> None:
    """Write `key` to a temporary file beside `path`, flush it to disk, then hard-link it
    to `path`: the name appears only with the whole key in it, and the link fails when
    another process got there first (whose key then stands)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".secret_key.")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    finally:
        os.unlink(tmp)


def _read_secret(path: Path, wait: float) -> str:
    """The key in `path`; an empty file (left by a writer that died, or still being
    written by an older version) is waited on for `wait` seconds, never used."""
    deadline = time.monotonic() + wait
    while True:
        key = path.read_text().strip()
        if key:
            return key
        if time.monotonic() >= deadline:
            raise RuntimeError(f"{path} is empty; delete it (a new key is then generated) "
                               "or set WEBINAR_SECRET_KEY")
        time.sleep(0.05)


_RATE = re.compile(r"^\s*(\d+)\s*(?:/\s*(second|minute|hour))?\s*$")


def parse_rate(value: str) -> tuple[int, float]:
    """'30/minute' -> (30, 60.0). A count of 0 turns the limit off."""
    match = _RATE.match(value)
    if not match:
        raise ValueError("rate limit must look like 30/minute, 5/second or 0")
    count = int(match.group(1))
    period = {"second": 1.0, "minute": 60.0, "hour": 3600.0}[match.group(2) or "minute"]
    return count, period


class SmtpConfig:
    """An SMTP relay parsed from smtp://user:pass@host:port?starttls=1 (smtps:// for TLS)."""

    def __init__(self, host: str, port: int, username: str | None, password: str | None,
                 use_tls: bool, start_tls: bool, timeout: float):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.use_tls, self.start_tls, self.timeout = use_tls, start_tls, timeout

    @classmethod
    def from_url(cls, url: str) -> SmtpConfig:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise ValueError("WEBINAR_SMTP_URL must start with smtp:// or smtps://")
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        use_tls = parts.scheme == "smtps"
        default_port = 465 if use_tls else 25
        return cls(
            host=parts.hostname or "localhost",
            port=parts.port or default_port,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=use_tls,
            start_tls=query.get("starttls", "0") in ("1", "true", "yes"),
            timeout=float(query.get("timeout", "30")),
        )


def parse_networks(value: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """'10.0.0.0/8, 127.0.0.1' as networks (a bare address is a network of one)."""
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False)
                     for part in value.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"trusted proxies must be addresses or networks: {exc}") from None

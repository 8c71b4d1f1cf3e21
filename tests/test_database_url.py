"""WEBINAR_DB: a path, an sqlite:/// URL or a postgresql:// URL; any other scheme, or a
PostgreSQL server that does not answer, stops every command with a clear message, before
anything is written."""

from __future__ import annotations

import subprocess

import pytest

from tests.conftest import free_port
from tests.serving import webinar_command, webinar_env
from webinar.settings import Settings


def _run(tmp_path, db: str, *args: str) -> subprocess.CompletedProcess:
    env = webinar_env(data_dir=tmp_path / "data", db=db)
    return subprocess.run(webinar_command(*args), env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)


def _files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


@pytest.mark.parametrize("command", [["migrate"], ["scheduler"],
                                     ["serve", "--no-scheduler", "--port", "1"]])
def test_a_postgresql_server_that_does_not_answer_stops_every_command(tmp_path, command):
    closed = free_port()  # nothing listens there
    done = _run(tmp_path, f"postgresql://webinar:secret@127.0.0.1:{closed}/webinar", *command)
    assert done.returncode != 0
    assert "error: cannot connect to the database" in done.stderr
    assert "Traceback" not in done.stderr
    assert "secret" not in done.stderr.replace("secret_key", "")  # no password echoed
    # No database file anywhere; `serve` keeps the secret key it made before connecting.
    assert _files(tmp_path) in ([], ["data", "data/secret_key"])


@pytest.mark.parametrize("url", ["mysql://u@h/db", "foo://bar", "sqlite://host/webinar.db"])
def test_other_schemes_are_refused(tmp_path, url):
    done = _run(tmp_path, url, "migrate")
    assert done.returncode != 0
    assert "WEBINAR_DB" in done.stderr and "not supported" in done.stderr
    assert "Traceback" not in done.stderr
    assert _files(tmp_path) == []


def test_sqlite_urls_relative_and_absolute(tmp_path):
    relative = _run(tmp_path, "sqlite:///rel.db", "migrate")
    assert relative.returncode == 0, relative.stderr
    assert (tmp_path / "rel.db").is_file()
    absolute = _run(tmp_path, f"sqlite:///{tmp_path / 'abs.db'}", "migrate")
    assert absolute.returncode == 0, absolute.stderr
    assert (tmp_path / "abs.db").is_file()


def test_paths_and_urls_name_the_same_file(tmp_path):
    assert Settings(db=str(tmp_path / "x.db")).db_path == tmp_path / "x.db"
    assert Settings(db=f"sqlite:///{tmp_path}/x.db").db_path == tmp_path / "x.db"
    assert Settings(db="sqlite:///var/x.db").db_path.as_posix() == "var/x.db"
    assert Settings(data_dir=tmp_path).db_path == tmp_path / "webinar.db"
    # A copy made without validation still refuses the URL when the path is asked for.
    copied = Settings().model_copy(update={"db": "postgresql://h/db"})
    with pytest.raises(ValueError, match="names a PostgreSQL database, not an SQLite file"):
        _ = copied.db_path
    assert copied.postgres_url == "postgresql://h/db"
    assert Settings(db="postgres://u:p@h:5433/db").postgres_url == "postgres://u:p@h:5433/db"
    assert Settings(db=str(tmp_path / "x.db")).postgres_url is None


@pytest.mark.once  # it opens its own (missing) database on the test cluster
def test_a_database_the_server_refuses_stops_the_command_clearly(tmp_path, postgres_cluster):
    """The server answers but refuses (no such database): the same clear message as a
    server that does not answer, no traceback, no password."""
    url = postgres_cluster.url("no_such_database")
    done = _run(tmp_path, url, "migrate")
    assert done.returncode != 0
    assert "error: cannot connect to the database" in done.stderr
    assert "InvalidCatalogName" in done.stderr and "Traceback" not in done.stderr

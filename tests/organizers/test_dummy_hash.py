"""The argon2 hash that an unknown account's sign-in is verified against (so it takes as
long as a known one's) is made on first use, not when the module is imported: every CLI
command and worker imports it, and one argon2 hash costs about 0.18 s."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import asyncio, sys
    from datetime import UTC, datetime
    from argon2 import PasswordHasher

    hashed, verified = [], []
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def spy_hash(self, password, *args, **kwargs):
        hashed.append(password)
        return real_hash(self, password, *args, **kwargs)

    def spy_verify(self, hash, password):
        verified.append(hash)
        return real_verify(self, hash, password)

    PasswordHasher.hash, PasswordHasher.verify = spy_hash, spy_verify
    from webinar.organizers import accounts
    from webinar.store.sqlite.database import SqliteStore
    print("hashes at import:", len(hashed))

    async def main():
        store = SqliteStore(sys.argv[1])
        await store.connect()
        await store.migrate()
        try:
            for _ in range(2):
                assert await accounts.check_password(
                    store, "nobody@example.org", "not a password") is None
        finally:
            await store.close()

    asyncio.run(main())
    print("hashes after two unknown sign-ins:", len(hashed))
    print("verified against:", sorted({h.split("$")[1] for h in verified}), len(verified))
""")


def test_importing_hashes_nothing_and_unknown_sign_in_verifies_a_dummy_hash(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "webinar.db")],
                         cwd=ROOT, capture_output=True, text=True, timeout=120, check=True)
    lines = out.stdout.splitlines()
    assert lines == [
        "hashes at import: 0",
        "hashes after two unknown sign-ins: 1",  # made once, on first use, then kept
        "verified against: ['argon2id'] 2",  # each unknown sign-in verifies a real hash
    ], out.stdout + out.stderr

"""A test double of one repository for the snapshot tests: a store whose `attendance` or
`registrations` queries, after one chosen read, let another store (another connection,
as another process) commit a write before the read returns: a write slipped in between
two reads of a service. Everything else is the real store; its snapshots (`snapshot()`)
hand out the same hooked repository over the snapshot's own queries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

Write = Callable[[], Awaitable[None]]


class _Once:
    def __init__(self, write: Write):
        self._write: Write | None = write

    async def __call__(self) -> None:
        write, self._write = self._write, None
        if write is not None:
            await write()


class _Hooked:
    """`inner` (one repository), except that `method` runs the write once after reading."""

    def __init__(self, inner: Any, method: str, write: _Once):
        self._inner, self._method, self._write = inner, method, write

    def __getattr__(self, name: str) -> Any:
        real = getattr(self._inner, name)
        if name != self._method:
            return real

        async def read_then_write(*args: Any, **kwargs: Any) -> Any:
            result = await real(*args, **kwargs)
            await self._write()
            return result

        return read_then_write


class _View:
    def __init__(self, inner: Any, repository: str, hooked: _Hooked):
        self._inner, self._repository, self._hooked = inner, repository, hooked

    def __getattr__(self, name: str) -> Any:
        return self._hooked if name == self._repository else getattr(self._inner, name)


class WriteBetween(_View):
    """`store`, with `repository.method` (e.g. attendance.open_presence) followed once by
    `write` (which should commit through another store)."""

    def __init__(self, store: Any, repository: str, method: str, write: Write):
        self._once = _Once(write)
        self._method = method
        super().__init__(store, repository,
                         _Hooked(getattr(store, repository), method, self._once))

    @asynccontextmanager
    async def snapshot(self) -> AsyncIterator[Any]:
        async with self._inner.snapshot() as view:
            yield _View(view, self._repository, _Hooked(getattr(view, self._repository),
                                                        self._method, self._once))

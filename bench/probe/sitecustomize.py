"""Where a server's tail latency comes from: loaded into every Python process of a
benchmarked server (the web process and its scheduler child) by bench/harness.py when
BENCH_PROBE names a file (`PYTHONPATH=bench/probe`), it appends one line per process at
exit with the distributions of

* gc<N>: the garbage collector's pauses per generation (gc.callbacks);
* looplag: how late a 1 ms asyncio.sleep wakes up (the web process's event loop: any
  callback or GC pause that blocks it shows here);
* begin: how long SQLite's BEGIN IMMEDIATE waited for the write lock (another process,
  e.g. the scheduler, holding it); hold: from that lock to the group's COMMIT done, i.e.
  how long this process kept the others waiting; commit: the group COMMIT itself;
* request: from a request's handler start to its response (aiohttp's _handle_request);
  lockwait: how long asyncio.Lock.acquire waited (the store's write lock, mostly).

It patches private functions (aiohttp's web._run_app, the SQLite store's
`Conn.begin_immediate` and `SqliteStore._end_group`, `RequestHandler._handle_request`,
`asyncio.Lock.acquire`): a diagnostic, never for production.
"""

import atexit
import gc
import os
import sys
import time

if os.environ.get("BENCH_PROBE"):
    _series: dict[str, list[float]] = {}
    _gc_start = [0.0]
    _held = [None]

    def _add(name, seconds):
        _series.setdefault(name, []).append(seconds)

    def _gc(phase, info):
        if phase == "start":
            _gc_start[0] = time.perf_counter()
        else:
            _add(f"gc{info['generation']}", time.perf_counter() - _gc_start[0])

    gc.callbacks.append(_gc)

    def _install():
        import asyncio

        from aiohttp import web

        from webinar.store.sqlite import connection, database

        run_app = web._run_app

        async def run_app_watched(app, *args, **kwargs):
            async def watch():
                loop = asyncio.get_running_loop()
                while True:
                    t = loop.time()
                    await asyncio.sleep(0.001)
                    _add("looplag", loop.time() - t - 0.001)
            task = asyncio.get_running_loop().create_task(watch())
            try:
                return await run_app(app, *args, **kwargs)
            finally:
                task.cancel()

        web._run_app = run_app_watched
        begin = connection.Conn.begin_immediate

        async def begin_timed(self):
            t = time.perf_counter()
            result = await begin(self)
            _held[0] = time.perf_counter()
            _add("begin", _held[0] - t)
            return result

        def ended(t):
            done = time.perf_counter()
            _add("commit", done - t)
            if _held[0] is not None:
                _add("hold", done - _held[0])
                _held[0] = None

        end_group = database.SqliteStore._end_group

        async def end_group_timed(self, conn):
            t = time.perf_counter()
            try:
                return await end_group(self, conn)
            finally:
                ended(t)

        connection.Conn.begin_immediate = begin_timed
        database.SqliteStore._end_group = end_group_timed

        transaction = database.SqliteStore.transaction

        def transaction_counted(self):
            # tx:<function>: write transactions (group members) by the function asking
            caller = sys._getframe(1).f_code.co_name
            _add(f"tx:{caller}", 0.0)
            return transaction(self)

        database.SqliteStore.transaction = transaction_counted

        from aiohttp import web_protocol

        handle = web_protocol.RequestHandler._handle_request

        async def handle_timed(self, request, start_time, *args, **kwargs):
            # request: from the handler's start to its response (not writing it out)
            t = time.perf_counter()
            try:
                return await handle(self, request, start_time, *args, **kwargs)
            finally:
                _add("request", time.perf_counter() - t)

        web_protocol.RequestHandler._handle_request = handle_timed

        lock_acquire = asyncio.Lock.acquire

        async def acquire_timed(self):
            t = time.perf_counter()
            try:
                return await lock_acquire(self)
            finally:
                _add("lockwait", time.perf_counter() - t)

        asyncio.Lock.acquire = acquire_timed

        # svc:<name>: the services a sign-up calls, each from call to return
        from webinar.events import service as events_service
        from webinar.registrations import service as registration_service

        def timed(module, name):
            fn = getattr(module, name)

            async def wrapper(*args, **kwargs):
                t = time.perf_counter()
                try:
                    return await fn(*args, **kwargs)
                finally:
                    _add(f"svc:{name}", time.perf_counter() - t)

            setattr(module, name, wrapper)

        timed(events_service, "get")
        timed(registration_service, "register")

    def _report():
        parts = []
        for name in sorted(_series):
            xs = sorted(_series[name])
            n = len(xs)
            parts.append(f"{name}: n={n} total={sum(xs) * 1000:.0f}ms"
                         f" p50={xs[n // 2] * 1000:.2f} p99={xs[int(n * 0.99)] * 1000:.1f}"
                         f" max={xs[-1] * 1000:.1f}")
        who = "scheduler" if sys.argv[:1] == ["-c"] else "web"
        with open(os.environ["BENCH_PROBE"], "a") as f:
            f.write(f"{who} {os.getpid()}: " + " | ".join(parts) + "\n")

    try:
        # Site start-up runs before Python puts the script's directory (or, for -m and -c,
        # the working directory) first on sys.path: without this, `webinar` would be
        # imported from wherever the venv installed it, not from the tree being measured.
        sys.path.insert(0, os.getcwd())
        _install()
        atexit.register(_report)
    except ImportError as exc:  # not a webinar process
        print(f"(bench probe not installed: {exc})", file=sys.stderr)

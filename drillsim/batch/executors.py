"""Where batch runs execute: this process, a local process pool, or a Dask cluster.

Each executor calls ``sink.done(spec, result)`` as runs finish (in any order),
``sink.retry(spec, reason)`` when a run is tried again and ``sink.failed(spec, reason)``
when it has used up its retries. The results do not depend on the executor: a run
is a pure function of its :class:`~drillsim.batch.runner.RunSpec`.

A dead pool process (killed, out of memory, a crash in native code) breaks a
:class:`ProcessPoolExecutor` and fails every pending future. Each worker tells the
parent which run it starts (a pipe written before the run), so after a break only
the runs that were in flight are charged an attempt; the pool is rebuilt and every
unfinished run is submitted again.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import uuid
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from drillsim.batch.runner import KILL_HOOK_ENV, MAP_ENV, RunSpec, run_one, warm
from drillsim.core.errors import InputError, Problem
from drillsim.core.i18n import tr

DEFAULT_RETRIES = 3
CONNECT_TIMEOUT = "10s"
"""How long to try reaching a Dask scheduler."""


class Sink(Protocol):
    def done(self, spec: RunSpec, result: dict[str, Any]) -> None: ...
    def retry(self, spec: RunSpec, reason: str) -> None: ...
    def failed(self, spec: RunSpec, reason: str) -> None: ...


def _why(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


# ---------------------------------------------------------------- in this process


def run_inline(specs: Iterable[RunSpec], sink: Sink, retries: int = DEFAULT_RETRIES) -> None:
    """Run one after another in this process (``--workers 0``; handy under a debugger)."""
    for spec in specs:
        for attempt in range(retries + 1):
            try:
                result = run_one(spec)
            except Exception as e:  # noqa: BLE001 - a failed run is reported, the batch goes on
                (sink.failed if attempt == retries else sink.retry)(spec, _why(e))
            else:
                sink.done(spec, result)
                break


# ---------------------------------------------------------------- local process pool

_started: Any = None


def _init_worker(started: Any, data: dict[str, Any], base_dir: str, kill_hook: str | None) -> None:
    global _started
    _started = started
    # a forkserver's children get the environment the forkserver started with, not ours
    if kill_hook:
        os.environ[KILL_HOOK_ENV] = kill_hook
    else:
        os.environ.pop(KILL_HOOK_ENV, None)
    warm(data, base_dir)


def _pool_run(spec: RunSpec) -> dict[str, Any]:
    _started.put(spec.key)  # written synchronously: survives the worker being killed next
    return run_one(spec)


def _drain(started: Any, in_flight: set[tuple[int, int]]) -> None:
    while not started.empty():
        in_flight.add(tuple(started.get()))


def pool_context(first: RunSpec | None = None) -> mp.context.BaseContext:
    """forkserver where there is one (fast restarts: drillsim is imported and the map of
    ``first`` built once, see :mod:`drillsim.batch.preload`), else spawn.

    Never plain fork: the parent may hold threads (the progress bar) and a forked
    child could inherit a held lock."""
    if "forkserver" not in mp.get_all_start_methods():
        return mp.get_context("spawn")
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["drillsim.batch.runner", "drillsim.batch.preload"])
    if first is not None:  # start it now, with the map to build in its environment (no-op if running)
        from multiprocessing import forkserver

        old = os.environ.get(MAP_ENV)
        os.environ[MAP_ENV] = json.dumps({"map": {"map": first.data.get("map") or {}}, "base_dir": first.base_dir})
        try:
            forkserver.ensure_running()
        finally:
            if old is None:
                os.environ.pop(MAP_ENV, None)
            else:
                os.environ[MAP_ENV] = old
    return ctx


def run_pool(specs: Iterable[RunSpec], sink: Sink, workers: int, retries: int = DEFAULT_RETRIES) -> None:
    """Run on ``workers`` local processes; survive dead workers (see the module docstring)."""
    pending = {s.key: s for s in specs}
    if not pending:
        return
    first = next(iter(pending.values()))
    ctx = pool_context(first)
    attempts: Counter = Counter()
    idle_breaks = 0
    while pending:
        started = ctx.SimpleQueue()
        ex = ProcessPoolExecutor(max_workers=max(1, min(workers, len(pending))), mp_context=ctx,
                                 initializer=_init_worker, initargs=(started, first.data, first.base_dir,
                                           os.environ.get(KILL_HOOK_ENV)))
        broken: BaseException | None = None
        in_flight: set[tuple[int, int]] = set()
        try:
            live: dict[Future, RunSpec] = {ex.submit(_pool_run, s): s for s in pending.values()}
            while live and broken is None:
                done, _ = wait(live, return_when=FIRST_COMPLETED)
                _drain(started, in_flight)  # keep the pipe from filling up (a full pipe blocks workers)
                for f in done:
                    spec = live.pop(f)
                    exc = f.exception()
                    if isinstance(exc, BrokenProcessPool):
                        broken = exc  # its run may be the one that killed a worker: still in flight
                        continue
                    in_flight.discard(spec.key)
                    if exc is None:
                        del pending[spec.key]
                        sink.done(spec, f.result())
                    else:
                        attempts[spec.key] += 1
                        if attempts[spec.key] > retries:
                            del pending[spec.key]
                            sink.failed(spec, _why(exc))
                        else:
                            sink.retry(spec, _why(exc))
                            live[ex.submit(_pool_run, spec)] = spec
        finally:
            ex.shutdown(wait=broken is None, cancel_futures=True)
        if broken is None:
            break
        _drain(started, in_flight)
        suspects = [pending[k] for k in sorted(in_flight) if k in pending]
        idle_breaks = 0 if suspects else idle_breaks + 1
        reason = tr("工作进程意外退出", "a worker process died") + f" ({broken})"
        if idle_breaks > retries:
            for spec in list(pending.values()):
                sink.failed(spec, reason)
            return
        for spec in suspects:
            attempts[spec.key] += 1
            if attempts[spec.key] > retries:
                del pending[spec.key]
                sink.failed(spec, reason)
            else:
                sink.retry(spec, reason)


# ---------------------------------------------------------------- Dask distributed


def run_dask(specs: Iterable[RunSpec], sink: Sink, address: str, retries: int = DEFAULT_RETRIES) -> None:
    """Run on an existing Dask cluster. The scheduler re-runs tasks of a worker that died
    (up to ``distributed.scheduler.allowed-failures``); ``retries`` re-runs tasks that raised."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError(Problem("--scheduler", 1, 1, tr(
            "需要 dask.distributed：pip install 'drillsim[batch]'",
            "needs dask.distributed: pip install 'drillsim[batch]'"))) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as e:
        raise InputError(Problem("--scheduler", 1, 1, tr(
            f"无法连接 Dask 调度器 {address}：{e}", f"cannot reach the Dask scheduler at {address}: {e}"))) from None
    try:
        token = uuid.uuid4().hex[:12]  # task keys unique on a cluster other batches may share
        futures = {client.submit(run_one, s, key=f"drillsim-batch-{token}-{s.variant}-{s.run}",
                                 pure=False, retries=retries): s for s in specs}
        for f in as_completed(list(futures), loop=client.loop):
            spec = futures[f]
            if f.status == "finished":
                sink.done(spec, f.result())
            else:
                try:
                    exc = f.exception()
                except Exception as e:  # noqa: BLE001 - e.g. a cancelled future
                    exc = e
                sink.failed(spec, _why(exc))
    finally:
        client.close()

"""Real processes racing: the one way the suite starts several spawned processes at the same
moment and collects what each of them saw.

    outcomes = race(_spend, [(db_path, "sale-1"), (db_path, "sale-2")])

`target(*args, barrier, results)` runs in its own spawned process (its own SQLite connection, its
own interpreter), waits on `barrier` so that all start together, and puts its outcome in
`results`. A process that hangs is killed and one that crashes fails the test: a race that did
not run is not a race that was won.
"""
from __future__ import annotations

import multiprocessing
from typing import Any, Callable, Iterable


def race(target: Callable[..., None], jobs: Iterable[tuple[Any, ...]], *, timeout: float = 120.0) -> list[Any]:
    """Run `target(*args, barrier, results)` for each `args` of `jobs` in its own process, all
    released together; returns the outcomes in the order they came."""
    jobs = list(jobs)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in jobs]
    for p in procs:
        p.start()
    try:
        outcomes = [results.get(timeout=timeout) for _ in procs]
    finally:
        for p in procs:
            p.join(timeout=60)
            if p.is_alive():
                p.kill()
                p.join()
    assert [p.exitcode for p in procs] == [0] * len(procs), [p.exitcode for p in procs]
    return outcomes

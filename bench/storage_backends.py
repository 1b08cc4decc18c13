"""Storage backends: in-process payments per second through `core.sales.pay` on SQLite (a WAL file,
synchronous=FULL, the project's setting) and on PostgreSQL (a world of the server named by
--database or QRPAY_TEST_DATABASE_URL), same code, same set-up, one process.

Set-up (not timed): the demo shop and `customers` customers, each enrolled, funded, signed in and
holding one live payment code (hardened policy). Timed: one `pay` per code, one after the other;
each is one write transaction (verify, redeem, sale, lines, taxes, postings, audit). Afterwards
the ledger is checked and the sales counted.

    python -m bench.storage_backends [--customers 300] [--database postgresql://…] [--sqlite-only]

Runs on an older checkout too (SQLite only), for before/after figures of the same machine.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import T0, fast_password_hashing, seed_payments


def _setup(target, customers: int):
    from shared.clock import FixedClock
    from shared.core import Core

    core = Core.open(target, clock=FixedClock(T0))
    meta = seed_payments(core, customers)
    return core, meta["codes"], meta["clerk_id"], [tuple(x) for x in meta["lines"]]


def run_backend(name: str, target, customers: int) -> dict:
    from shared import ledger
    core, codes, clerk_id, lines = _setup(target, customers)
    try:
        lat = []
        t0 = time.perf_counter()
        for i, code in enumerate(codes):
            t = time.perf_counter()
            core.sales.pay(terminal_id="T1", clerk_id=clerk_id, code=code, lines=lines, sale_id=f"bench-{i}")
            lat.append(time.perf_counter() - t)
        wall = time.perf_counter() - t0
        with core.db.read() as conn:
            problems = ledger.check(conn)
            sales = conn.execute("SELECT count(*) FROM sales").fetchone()[0]
    finally:
        core.close()
    lat.sort()
    return {"backend": name, "payments": len(codes), "per_second": len(codes) / wall,
            "p50_ms": 1000 * statistics.median(lat), "p99_ms": 1000 * lat[min(len(lat) - 1, int(0.99 * len(lat)))],
            "sales": sales, "ledger_problems": len(problems)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--customers", type=int, default=300)
    ap.add_argument("--database", default=os.environ.get("QRPAY_TEST_DATABASE_URL"))
    ap.add_argument("--sqlite-only", action="store_true")
    ap.add_argument("--repeats", type=int, default=1)
    args = ap.parse_args()
    fast_password_hashing()
    rows = []
    for _ in range(args.repeats):
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(run_backend("sqlite", Path(tmp) / "bench.sqlite3", args.customers))
        if args.database and not args.sqlite_only:
            from shared.storage import pg
            world = f"bench{uuid.uuid4().hex[:8]}"
            try:
                rows.append(run_backend("postgresql", f"{pg.split_target(args.database)[0]}#{world}", args.customers))
            finally:
                pg.drop_world(args.database, world)
    for r in rows:
        print(f"{r['backend']:<11} {r['payments']:>5} payments  {r['per_second']:7.1f}/s  p50 {r['p50_ms']:6.2f} ms  "
              f"p99 {r['p99_ms']:6.2f} ms  sales {r['sales']}  ledger problems {r['ledger_problems']}")


if __name__ == "__main__":
    main()

"""Payments per second through HTTP: 8 tills, each its own process with a `RemoteCore`, paying against a real
`qrpay serve`, beside the in-process core (8 processes, each its own `Core`) in the same run, on SQLite and
(with --database) on PostgreSQL.

Set-up (not timed, bench.common.build_template): customers registered, enrolled, signed in, funded, each holding
one live code (hardened policy), 8 terminals; SQLite: one template file copied per mode; PostgreSQL: a fresh
world (schema) seeded per mode. HTTP: the server starts with the rate limits off, the admin issues a key per
terminal and sets the world's clock to the codes' instant; each till opens a shift (terminal key + clerk PIN)
and warms up with a quote, then all start at a barrier and pay their share of the codes one after the other
(`core.sales.pay`, the till's own call), timing each call. In-process: the same with `Core.sales.pay`
(bench.common.core_payer; SQLite synchronous=FULL). Afterwards the ledger invariants and the sale count are
checked on each database (exactly once: every accepted payment is one sale, no error).

    python -m bench.http_payments [--customers 1200] [--tills 8] [--database postgresql://…] [--profile]

`--profile` runs the server under cProfile and prints where its time goes.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench.common import (NOW, build_template, check_payments, collect, core_payer, publish, run_processes, table,
                          timed_payments)

ROOT = Path(__file__).resolve().parents[1]
GOAL_PER_SECOND = 500
GOAL_P99_MS = 50.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: list[str], port: int, token: str, profile: Path | None) -> subprocess.Popen:
    """`qrpay serve` on `store` (["--db", FILE, "--worlds", DIR] or ["--database", URL]), rate limits off."""
    import httpx
    cmd = [sys.executable, *(["-m", "cProfile", "-o", str(profile)] if profile else []), "-m", "shared.cli.main",
           "serve", "--port", str(port), *store, "--limit-address", "0", "--limit-account", "0"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "QRPAY_ADMIN_TOKEN": token},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode(errors="replace")[-2000:])
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start")


def till(url: str, world: str, terminal: str, key: str, clerk_id: int, pin: str, lines: list, codes: list[str],
         barrier, out_path: str) -> None:
    from shared.errors import Throttled
    from shared.remote import RemoteCore

    core = RemoteCore(url, world=world, terminal_id=terminal, terminal_key=key)
    for _ in range(100):     # one clerk on 8 tills: the core lets only a few PIN checks run at once
        try:
            core.staff.verify(clerk_id, pin)
            break
        except Throttled:
            time.sleep(0.2)
    cart = [tuple(x) for x in lines]
    core.sales.quote(cart)          # the connection is open and warm before the clock starts
    out = timed_payments(lambda code: core.sales.pay(terminal_id=terminal, clerk_id=clerk_id, code=code, lines=cart,
                                                     sale_id=uuid.uuid4().hex), codes, barrier)
    core.close()
    Path(out_path).write_text(json.dumps(out))


class Backend:
    """Where a mode's seeded database lives: a copy of the SQLite template, or a fresh PostgreSQL world seeded
    the same way (`--database URL`, e.g. a throwaway cluster: scripts/pg_throwaway.sh start --durable)."""

    def __init__(self, name: str, work: Path, customers: int, tills: int, database: str | None) -> None:
        self.name, self.work, self.database = name, work, database
        self.worlds: list[str] = []
        if database is None:
            self.template = work / "template.sqlite3"
            self.meta = build_template(self.template, customers, terminals=tills)
        else:
            self.template_world = self._new_world()
            self.meta = build_template(self._target(self.template_world), customers, terminals=tills)

    def _new_world(self) -> str:
        self.worlds.append(f"bench{secrets.token_hex(4)}")
        return self.worlds[-1]

    def _target(self, world: str) -> str:
        return f"{self.database}#{world}"

    def fresh(self, mode: str) -> tuple[str, str, dict]:
        """(Core.open target, world name as the server knows it, its codes etc.) of a fresh seeded database for
        one mode: SQLite copies the template file; PostgreSQL uses the template world for the first mode and
        seeds a new world for the next (a world cannot be copied as a file)."""
        if self.database is None:
            db = self.work / f"{mode}.sqlite3"
            shutil.copyfile(self.template, db)
            return str(db), "default", self.meta
        if mode == "inprocess":
            return self._target(self.template_world), self.template_world, self.meta
        world = self._new_world()
        meta = build_template(self._target(world), len(self.meta["codes"]), terminals=len(self.meta["terminals"]))
        return self._target(world), world, meta

    def close(self) -> None:
        if self.database is not None:
            from shared.storage import pg
            for w in self.worlds:
                pg.drop_world(self.database, w)


def run_http(backend: Backend, tills: int, profile: bool) -> dict:
    import httpx

    target, world, meta = backend.fresh("http")
    token = "bench_" + secrets.token_urlsafe(24)
    port = free_port()
    prof = backend.work / f"server-{backend.name}.prof" if profile else None
    store = (["--db", target, "--worlds", str(backend.work / "worlds")] if backend.database is None
             else ["--database", backend.database])
    proc = start_server(store, port, token, prof)
    url = f"http://127.0.0.1:{port}"
    try:
        admin = {"Authorization": f"Bearer {token}"}
        keys = {t: httpx.post(f"{url}/worlds/{world}/terminals/{t}/key", headers=admin, timeout=30).json()["key"]
                for t in meta["terminals"]}
        r = httpx.post(f"{url}/worlds/{world}/clock/set", json={"at": NOW}, headers=admin, timeout=30)
        assert r.status_code == 200, r.text
        shares = [meta["codes"][i::tills] for i in range(tills)]
        parts = run_processes(till, lambda i, barrier, out: (
            url, world, meta["terminals"][i], keys[meta["terminals"][i]], meta["clerk_id"], meta["clerk_pin"],
            meta["lines"], shares[i], barrier, out), tills, backend.work, f"http-{backend.name}")
    finally:
        proc.send_signal(signal.SIGINT)      # uvicorn stops cleanly (and cProfile writes its file)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    result = {"mode": f"HTTP (qrpay serve, {backend.name})", "tills": tills, **collect(parts)}
    result["check"] = check_payments(target, len(meta["codes"]) - sum(result["errors"].values()))
    if prof is not None and prof.exists():
        result["profile_top"] = top_of_profile(prof)
    return result


def run_inprocess(backend: Backend, tills: int) -> dict:
    target, _, meta = backend.fresh("inprocess")
    shares = [meta["codes"][i::tills] for i in range(tills)]
    parts = run_processes(core_payer, lambda i, barrier, out: (
        target, "FULL", meta["terminals"][i], meta["clerk_id"], meta["lines"], shares[i], barrier, out),
        tills, backend.work, f"inproc-{backend.name}")
    label = "SQLite, FULL" if backend.database is None else "PostgreSQL"
    result = {"mode": f"in-process Core ({label})", "tills": tills, **collect(parts)}
    result["check"] = check_payments(target, len(meta["codes"]) - sum(result["errors"].values()))
    return result


def top_of_profile(path: Path, n: int = 25) -> list[dict]:
    import pstats
    stats = pstats.Stats(str(path))
    rows = []
    for (file, line, fn), (cc, nc, tt, ct, _) in stats.stats.items():   # type: ignore[attr-defined]
        rows.append({"function": f"{Path(file).name}:{line}:{fn}", "calls": nc, "self_s": round(tt, 3),
                     "cumulative_s": round(ct, 3)})
    rows.sort(key=lambda r: r["self_s"], reverse=True)
    return rows[:n]


def run(customers: int = 1200, tills: int = 8, *, database: str | None = None, profile: bool = False,
        quiet: bool = False) -> dict:
    """SQLite (in-process, then HTTP), then with `database` PostgreSQL (in-process, then HTTP), in one run."""
    os.environ.setdefault("QRPAY_CONFIG_DIR", tempfile.mkdtemp(prefix="qrpay-bench-config-"))
    work = Path(tempfile.mkdtemp(prefix="qrpay-bench-http-"))
    t0 = time.perf_counter()
    modes, loads = [], [os.getloadavg()[0]]
    try:
        for name, url in (("SQLite", None), *((("PostgreSQL", database),) if database else ())):
            backend = Backend(name, work, customers, tills, url)
            try:
                modes.append(run_inprocess(backend, tills))
                loads.append(os.getloadavg()[0])
                modes.append(run_http(backend, tills, profile))
                loads.append(os.getloadavg()[0])
            finally:
                backend.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    http = [m for m in modes if m["mode"].startswith("HTTP")]
    data = {"customers": customers, "tills": tills, "seconds": round(time.perf_counter() - t0, 1), "modes": modes, "load_average_1min_during": [round(x, 2) for x in loads],
            "postgresql": "run" if database else "not run (give --database URL)",
            "goal": {"per_second": GOAL_PER_SECOND, "p99_ms": GOAL_P99_MS,
                     "met": {m["mode"]: m["per_second"] >= GOAL_PER_SECOND and m["latency_ms"]["p99"] <= GOAL_P99_MS
                             and m["check"]["ok"] and not m["errors"] for m in http}}}
    return publish("http_payments", data, report, quiet=quiet)


def report(data: dict) -> str:
    rows = [[m["mode"], m["tills"], m["payments"], m["per_second"], m["latency_ms"]["median"], m["latency_ms"]["p99"],
             m["latency_ms"]["max"], ", ".join(f"{k}: {v}" for k, v in m["errors"].items()) or "none",
             "ok" if m["check"]["ok"] else "FAILED"] for m in data["modes"]]
    g = data["goal"]
    out = (table(["mode", "tills (processes)", "payments", "per s", "p50 ms", "p99 ms", "max ms", "errors",
                  "ledger + sales check"], rows)
           + f"\n\nGoal over HTTP: >= {g['per_second']}/s with p99 <= {g['p99_ms']:.0f} ms: "
           + "; ".join(f"{k}: {'met' if v else 'MISSED'}" for k, v in g["met"].items())
           + f". PostgreSQL: {data['postgresql']}. 1-minute load average before/after each mode: "
           + ", ".join(str(x) for x in data["load_average_1min_during"]))
    for m in data["modes"]:
        if m.get("profile_top"):
            out += f"\n\nServer profile, {m['mode']} (self time, top):\n" + table(
                ["function", "calls", "self s", "cumulative s"],
                [[r["function"], r["calls"], r["self_s"], r["cumulative_s"]] for r in m["profile_top"]])
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=1200)
    p.add_argument("--tills", type=int, default=8)
    p.add_argument("--database", default=None, help="a PostgreSQL server (postgresql://…) to run the same modes on; "
                   "worlds bench<hex> are created on it and dropped after")
    p.add_argument("--profile", action="store_true")
    a = p.parse_args()
    run(a.customers, a.tills, database=a.database, profile=a.profile)


if __name__ == "__main__":
    main()

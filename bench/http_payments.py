"""Payments per second through HTTP: 8 tills, each its own process with a `RemoteCore`, paying against a real
`qrpay serve` (SQLite), beside the in-process core (8 processes, each its own `Core`) in the same run, on
copies of the same seeded database.

Set-up (not timed): bench.ledger's template (customers registered, enrolled, signed in, funded, each holding
one live code; hardened policy), 8 terminals. HTTP: the server starts on a copy with the rate limits off, the
admin issues a key per terminal and sets the world's clock to the codes' instant; each till opens a shift
(terminal key + clerk PIN) and warms up with a quote, then all start at a barrier and pay their share of the
codes one after the other (`core.sales.pay`, the till's own call), timing each call. In-process: the same with
`Core.sales.pay` (bench.ledger.worker, synchronous=FULL). Afterwards the ledger invariants and the sale count
are checked on each database (exactly once: every accepted payment is one sale, no error).

    python -m bench.http_payments [--customers 1200] [--tills 8] [--profile]

`--profile` runs the server under cProfile and prints where its time goes.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
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

from bench.common import summary_ms, table, write_json
from bench.ledger import NOW, build_template, check, worker as inprocess_worker

ROOT = Path(__file__).resolve().parents[1]
GOAL_PER_SECOND = 500
GOAL_P99_MS = 50.0


def add_terminals(template: Path, n: int) -> list[str]:
    from shared.clock import FixedClock
    from shared.core import Core
    core = Core.open(template, clock=FixedClock(NOW))
    have = [t.id for t in core.catalog.terminals()]
    store = core.catalog.store()
    for i in range(len(have) + 1, n + 1):
        core.catalog.add_terminal(f"T{i}", store_id=store.id, name=f"Bench {i}")
    ids = [t.id for t in core.catalog.terminals()][:n]
    core.close()
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, token: str, profile: Path | None) -> subprocess.Popen:
    import httpx
    cmd = [sys.executable, *(["-m", "cProfile", "-o", str(profile)] if profile else []), "-m", "shared.cli.main",
           "serve", "--port", str(port), "--db", str(db), "--worlds", str(db.parent / "worlds"),
           "--limit-address", "0", "--limit-account", "0"]
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


def till(url: str, terminal: str, key: str, clerk_id: int, pin: str, lines: list, codes: list[str], barrier,
         out_path: str) -> None:
    from shared.errors import QrpayError, Throttled
    from shared.remote import RemoteCore

    core = RemoteCore(url, world="default", terminal_id=terminal, terminal_key=key)
    for _ in range(100):     # one clerk on 8 tills: the core lets only a few PIN checks run at once
        try:
            core.staff.verify(clerk_id, pin)
            break
        except Throttled:
            time.sleep(0.2)
    lines = [tuple(x) for x in lines]
    core.sales.quote(lines)          # the connection is open and warm before the clock starts
    lat, errors = [], {}
    barrier.wait()
    start = time.perf_counter()
    for code in codes:
        t0 = time.perf_counter()
        try:
            core.sales.pay(terminal_id=terminal, clerk_id=clerk_id, code=code, lines=lines, sale_id=uuid.uuid4().hex)
        except QrpayError as e:
            errors[e.code] = errors.get(e.code, 0) + 1
        lat.append((time.perf_counter() - t0) * 1000.0)
    end = time.perf_counter()
    core.close()
    Path(out_path).write_text(json.dumps({"start": start, "end": end, "latencies_ms": lat, "errors": errors}))


def _collect(outs: list[Path], total: int, db: Path, mode: str, tills: int) -> dict:
    parts = [json.loads(o.read_text()) for o in outs]
    lat = [x for p in parts for x in p["latencies_ms"]]
    errors: dict[str, int] = {}
    for p in parts:
        for k, v in p["errors"].items():
            errors[k] = errors.get(k, 0) + v
    wall = max(p["end"] for p in parts) - min(p["start"] for p in parts)
    ok = len(lat) - sum(errors.values())
    return {"mode": mode, "tills": tills, "payments": ok, "errors": errors, "wall_s": round(wall, 3),
            "per_second": round(ok / wall, 1), "latency_ms": summary_ms(lat), "check": check(db, total - sum(errors.values()))}


def run_http(template: Path, meta: dict, work: Path, tills: int, profile: bool) -> dict:
    import httpx
    from shared.demo_data import load_credentials

    db = work / "http.sqlite3"
    shutil.copyfile(template, db)
    shutil.copyfile(str(template) + ".credentials.json", str(db) + ".credentials.json")
    token = "bench_" + secrets.token_urlsafe(24)
    port = free_port()
    prof = work / "server.prof" if profile else None
    proc = start_server(db, port, token, prof)
    url = f"http://127.0.0.1:{port}"
    try:
        admin = {"Authorization": f"Bearer {token}"}
        keys = {t: httpx.post(f"{url}/worlds/default/terminals/{t}/key", headers=admin, timeout=30).json()["key"]
                for t in meta["terminals"]}
        r = httpx.post(f"{url}/worlds/default/clock/set", json={"at": NOW}, headers=admin, timeout=30)
        assert r.status_code == 200, r.text
        clerk = next(s for s in load_credentials(db)["staff"] if s["id"] == meta["clerk_id"])
        ctx = mp.get_context("spawn")
        barrier = ctx.Barrier(tills)
        shares = [meta["codes"][i::tills] for i in range(tills)]
        outs = [work / f"http-{i}.json" for i in range(tills)]
        procs = [ctx.Process(target=till, args=(url, meta["terminals"][i], keys[meta["terminals"][i]], clerk["id"],
                                                str(clerk["pin"]), meta["lines"], shares[i], barrier, str(outs[i])))
                 for i in range(tills)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(600)
            if p.exitcode != 0:
                raise RuntimeError(f"till process ended with {p.exitcode}")
    finally:
        proc.send_signal(signal.SIGINT)      # uvicorn stops cleanly (and cProfile writes its file)
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            proc.kill()
    result = _collect(outs, len(meta["codes"]), db, "HTTP (qrpay serve, SQLite)", tills)
    if prof is not None and prof.exists():
        result["profile_top"] = top_of_profile(prof)
    return result


def run_inprocess(template: Path, meta: dict, work: Path, tills: int) -> dict:
    db = work / "inprocess.sqlite3"
    shutil.copyfile(template, db)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(tills)
    shares = [meta["codes"][i::tills] for i in range(tills)]
    outs = [work / f"inproc-{i}.json" for i in range(tills)]
    procs = [ctx.Process(target=inprocess_worker, args=(str(db), "FULL", meta["terminals"][i], meta["clerk_id"],
                                                        meta["lines"], shares[i], barrier, str(outs[i])))
             for i in range(tills)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(600)
        if p.exitcode != 0:
            raise RuntimeError(f"writer process ended with {p.exitcode}")
    return _collect(outs, len(meta["codes"]), db, "in-process Core (SQLite, FULL)", tills)


def top_of_profile(path: Path, n: int = 25) -> list[dict]:
    import pstats
    stats = pstats.Stats(str(path))
    rows = []
    for (file, line, fn), (cc, nc, tt, ct, _) in stats.stats.items():   # type: ignore[attr-defined]
        rows.append({"function": f"{Path(file).name}:{line}:{fn}", "calls": nc, "self_s": round(tt, 3),
                     "cumulative_s": round(ct, 3)})
    rows.sort(key=lambda r: r["self_s"], reverse=True)
    return rows[:n]


def run(customers: int = 1200, tills: int = 8, *, profile: bool = False, quiet: bool = False) -> dict:
    os.environ.setdefault("QRPAY_CONFIG_DIR", tempfile.mkdtemp(prefix="qrpay-bench-config-"))
    work = Path(tempfile.mkdtemp(prefix="qrpay-bench-http-"))
    template = work / "template.sqlite3"
    t0 = time.perf_counter()
    meta = build_template(template, customers)
    meta["terminals"] = add_terminals(template, tills)
    setup_s = time.perf_counter() - t0
    inproc = run_inprocess(template, meta, work, tills)
    http = run_http(template, meta, work, tills, profile)
    data = {"customers": customers, "tills": tills, "setup_seconds": round(setup_s, 1), "cart": meta["lines"],
            "modes": [inproc, http], "postgresql": "not run: the PostgreSQL backend (h-pg) is not on main yet",
            "goal": {"per_second": GOAL_PER_SECOND, "p99_ms": GOAL_P99_MS,
                     "met": http["per_second"] >= GOAL_PER_SECOND and http["latency_ms"]["p99"] <= GOAL_P99_MS
                     and http["check"]["ok"] and not http["errors"]}}
    write_json("http_payments", data)
    shutil.rmtree(work, ignore_errors=True)
    if not quiet:
        print(report(data))
    return data


def report(data: dict) -> str:
    rows = [[m["mode"], m["tills"], m["payments"], m["per_second"], m["latency_ms"]["median"], m["latency_ms"]["p99"],
             m["latency_ms"]["max"], ", ".join(f"{k}: {v}" for k, v in m["errors"].items()) or "none",
             "ok" if m["check"]["ok"] else "FAILED"] for m in data["modes"]]
    g, http = data["goal"], data["modes"][1]
    out = (table(["mode", "tills (processes)", "payments", "per s", "p50 ms", "p99 ms", "max ms", "errors",
                  "ledger + sales check"], rows)
           + f"\n\nGoal over HTTP: >= {g['per_second']}/s with p99 <= {g['p99_ms']:.0f} ms: "
             f"{http['per_second']:,.0f}/s, p99 {http['latency_ms']['p99']} ms ({'met' if g['met'] else 'MISSED'}). "
             f"PostgreSQL: {data['postgresql']}.")
    if http.get("profile_top"):
        out += "\n\nServer profile (self time, top):\n" + table(
            ["function", "calls", "self s", "cumulative s"],
            [[r["function"], r["calls"], r["self_s"], r["cumulative_s"]] for r in http["profile_top"]])
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--customers", type=int, default=1200)
    p.add_argument("--tills", type=int, default=8)
    p.add_argument("--profile", action="store_true")
    a = p.parse_args()
    run(a.customers, a.tills, profile=a.profile)


if __name__ == "__main__":
    main()

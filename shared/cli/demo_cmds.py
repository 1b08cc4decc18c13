"""`qrpay demo`: a demo database with demo data, then the till, the wallet and the authenticator
side by side (each its own process, started by ui_common.launcher — the core imports no Qt)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from shared.cli.main import no_core


def register(sub, common) -> None:
    p = sub.add_parser("demo", parents=[common], help="start the kiosk demo (till + wallet + authenticator)")
    p.add_argument("--reset", action="store_true", help="throw the demo database away and seed a fresh one")
    p.add_argument("--policy", choices=["hardened", "2019"], default=None)
    p.add_argument("--lang", choices=["ja", "en"])
    p.add_argument("--kiosk", action="store_true", help="full screen, large type, idle reset")
    p.add_argument("--camera", help="the till's camera source (index, video file, image pattern or 'screen')")
    p.add_argument("--no-windows", action="store_true", help="prepare the database only")
    p.set_defaults(func=cmd_demo)


def demo_db_path(args) -> Path:
    if getattr(args, "db", None):
        return Path(args.db)
    from platformdirs import user_data_dir
    return Path(user_data_dir("qrpay-sim", appauthor=False)) / "demo.sqlite3"


def prepare(path: Path, *, reset: bool, policy: str | None, now: str | None = None) -> dict:
    """Create (or reuse) the demo database and seed it once; returns what seed-demo printed."""
    from shared.clock import FixedClock, parse_iso
    from shared.core import Core
    from shared.demo_data import seed_demo

    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    core = Core.open(path, clock=FixedClock(parse_iso(now)) if now else None)
    try:
        core.codes.ensure_issuer_key()
        seeded = None if core.catalog.has_store() else seed_demo(core)
        if policy:
            core.set_policy(policy, actor="demo")
        return {"db": str(path), "seeded": seeded is not None, "demo": seeded, "policy": core.policy.name}
    finally:
        core.close()


@no_core
def cmd_demo(core, args):
    path = demo_db_path(args)
    info = prepare(path, reset=args.reset, policy=args.policy, now=getattr(args, "now", None))
    if args.no_windows:
        return info
    sys.stderr.write(f"demo database: {path}\n")
    if info["demo"]:
        sys.stderr.write(credentials_text(info["demo"]))
    cmd = [sys.executable, "-m", "ui_common.launcher", "--db", str(path)]
    for flag in ("lang", "camera"):
        if getattr(args, flag):
            cmd += [f"--{flag}", getattr(args, flag)]
    if args.kiosk:
        cmd.append("--kiosk")
    return subprocess.call(cmd, env=dict(os.environ))


def credentials_text(demo: dict) -> str:
    """What the presenter needs at hand: staff PINs and the customers' passwords."""
    lines = ["", "Demo accounts (also in the Authenticator window for TOTP codes):"]
    for s in demo["staff"]:
        lines.append(f"  staff {s['id']}  {s['name']:<12} {s['role']:<10} PIN {s['pin']}")
    for c in demo["customers"]:
        lines.append(f"  customer {c['email']:<28} password {c['password']}  balance ¥{c['balance']:,}")
    return "\n".join(lines) + "\n\n"

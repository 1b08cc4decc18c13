"""`qrpay demo`: a demo database with demo data, then the till, the wallet and the authenticator
side by side (each its own process, started by ui_common.launcher — the core imports no Qt).

One demo per database: `qrpay demo` takes an exclusive lock on `<db>.demo.lock` before it touches
the database and hands the locked file to the launcher, which holds it until its windows are
gone. A second `qrpay demo` on the same database asks the running one to bring its windows to the
front and exits with a clear message: it opens no window and no second shift on T1, and
`--reset` never deletes a database a running demo is using.

`--phone [ADDRESS] [--port N] [--tls]`: the launcher also runs `qrpay serve` on this laptop's network address
(the interface with the default route, shared/lan_address.py; or ADDRESS), so the presenter's own phone opens
the web wallet (the till's Presenter menu shows its address as a QR) and shows its code to the till. It is
an explicit choice, announced with a warning: without it everything stays on this machine.

This process becomes the launcher (exec), so Ctrl+C, SIGTERM or closing the till end the whole
demo: there is no middle process whose death would leave the windows open.
"""
from __future__ import annotations

import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path

from shared.cli.main import no_core
from shared.errors import Conflict, InputError

PHONE_AUTO = "auto"
PHONE_PORT = 8765


def register(sub, common) -> None:
    p = sub.add_parser("demo", parents=[common], help="start the kiosk demo (till + wallet + authenticator)")
    p.add_argument("--reset", action="store_true", help="throw the demo database away and seed a fresh one")
    p.add_argument("--policy", choices=["hardened", "2019"], default=None)
    p.add_argument("--lang", choices=["ja", "en"])
    p.add_argument("--kiosk", action="store_true",
                   help="full screen, large type, idle reset; a supervisor leaves with the till's "
                        "'Leave kiosk' button and a PIN")
    p.add_argument("--camera", help="the till's source: a webcam index, a video file, an image pattern, 'screen', "
                                    "or 'auto' (default: the presenter's last choice, else a webcam if one opens, "
                                    "else the screen)")
    p.add_argument("--autoplay", action="store_true",
                   help="attract mode: a customer pays at the till in a loop, through the real windows; "
                        "a key or a touch hands control back")
    p.add_argument("--once", action="store_true",
                   help="with --autoplay: one round, then exit 0 once the sale is recorded (non-zero on failure)")
    p.add_argument("--timeout", type=float, default=180.0, help="with --once: give up after this many seconds")
    p.add_argument("--tour", action="store_true",
                   help="the presenter's tour of the 7pay timeline: a narration panel beside the windows runs "
                        "each day's attack live in them (Back / Replay step / Next)")
    p.add_argument("--show-credentials", action="store_true", help="print the demo accounts and exit")
    p.add_argument("--no-windows", action="store_true", help="prepare the database only")
    p.add_argument("--phone", nargs="?", const=PHONE_AUTO, default=None, metavar="ADDRESS",
                   help="also serve the web wallet to phones on this network (`qrpay serve` on this laptop's "
                        "network address, or ADDRESS): anyone on the network can reach it. The till's Presenter "
                        "menu shows its address as a QR. Without --phone everything stays on 127.0.0.1")
    p.add_argument("--port", type=int, default=None, help=f"with --phone: the server's port (default {PHONE_PORT})")
    p.add_argument("--tls", action="store_true",
                   help="with --phone: HTTPS with a self-signed certificate, as `qrpay serve --tls`")
    p.set_defaults(func=cmd_demo)


def demo_db_path(args) -> Path:
    if getattr(args, "db", None):
        return Path(args.db)
    from platformdirs import user_data_dir
    return Path(user_data_dir("qrpay-sim", appauthor=False)) / "demo.sqlite3"


def lock_path(db: Path) -> Path:
    return Path(str(db) + ".demo.lock")


def take_demo_lock(db: Path) -> int:
    """An fd holding the exclusive lock of `db`'s demo (inherited by the launcher), or Conflict
    `demo_running` with the running launcher's pid in details."""
    import fcntl

    path = lock_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        try:
            pid = int(os.read(fd, 32).decode("ascii", "replace").strip() or 0)
        except ValueError:
            pid = 0
        os.close(fd)
        raise Conflict(f"A demo is already running on {db}: its windows were brought to the front. "
                       "Close it first (or use another --db) to start a new one.",
                       code="demo_running", pid=pid) from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode("ascii"))
    return fd


def bring_to_front(pid: int) -> None:
    """Ask a running launcher to reopen closed windows and raise them all (SIGUSR1)."""
    if pid > 0 and hasattr(signal, "SIGUSR1"):
        try:
            os.kill(pid, signal.SIGUSR1)
        except OSError:
            pass


def prepare(path: Path, *, reset: bool, policy: str | None, now: str | None = None) -> dict:
    """Create (or reuse) the demo database and seed it once; returns what seed-demo printed,
    with the saved demo accounts under "credentials"."""
    from shared.clock import FixedClock, parse_iso
    from shared.core import Core
    from shared.demo_data import credentials_path, load_credentials, seed_demo

    if reset:
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        credentials_path(path).unlink(missing_ok=True)
    core = Core.open(path, clock=FixedClock(parse_iso(now)) if now else None)
    try:
        core.codes.ensure_issuer_key()
        seeded = None if core.catalog.has_store() else seed_demo(core)
        if policy:
            core.set_policy(policy, actor="demo")
        return {"db": str(path), "seeded": seeded is not None, "demo": seeded, "policy": core.policy.name,
                "credentials": load_credentials(path)}
    finally:
        core.close()


@no_core
def cmd_demo(core, args):
    path = demo_db_path(args)
    if args.show_credentials:
        from shared.demo_data import load_credentials
        creds = load_credentials(path)
        if creds is None:
            raise Conflict(f"No demo accounts are saved for {path} (it was not seeded by this version).",
                           code="no_credentials")
        sys.stdout.write(credentials_text(creds))
        return 0
    if args.once and not args.autoplay:
        raise Conflict("--once goes with --autoplay.", code="usage")
    if args.tour and args.autoplay:
        raise Conflict("--tour and --autoplay both drive the windows: choose one.", code="usage")
    phone = phone_server(args)
    lock_fd = None
    if not args.no_windows:
        try:
            lock_fd = take_demo_lock(path)
        except Conflict as e:
            bring_to_front(int(e.details.get("pid") or 0))
            raise
        if hasattr(signal, "SIGUSR1"):   # a second demo's "come to the front" must not kill this one
            signal.signal(signal.SIGUSR1, signal.SIG_IGN)   # while it starts (the launcher handles it)
    info = prepare(path, reset=args.reset, policy=args.policy, now=getattr(args, "now", None))
    if args.no_windows:
        return info
    sys.stderr.write(f"demo database: {path}\n")
    if info["credentials"]:
        sys.stderr.write(credentials_text(info["credentials"]))
    sys.stderr.flush()
    sys.stdout.flush()
    os.set_inheritable(lock_fd, True)
    cmd = [sys.executable, "-m", "ui_common.launcher", "--db", str(path), "--lock-fd", str(lock_fd)]
    for flag in ("lang", "camera"):
        if getattr(args, flag):
            cmd += [f"--{flag}", getattr(args, flag)]
    for flag in ("kiosk", "autoplay", "once", "tour"):
        if getattr(args, flag):
            cmd.append(f"--{flag}")
    if args.once:
        cmd += ["--timeout", str(args.timeout)]
    if phone is not None:
        cmd += ["--phone-host", phone.host, "--phone-port", str(phone.port)] + (["--tls"] if phone.tls else [])
        sys.stderr.write(phone.announcement())
        sys.stderr.flush()
    os.execv(sys.executable, cmd)  # this process becomes the launcher (same pid, same lock)


@dataclass(frozen=True)
class PhoneServer:
    """`qrpay demo --phone`: where the web wallet is served for the presenter's phone."""
    host: str
    port: int
    tls: bool

    @property
    def url(self) -> str:
        from shared.lan_address import wallet_url
        return wallet_url(self.host, self.port, tls=self.tls)

    def announcement(self) -> str:
        return (f"phone wallet: {self.url}\n"
                f"  WARNING: anyone on this network can reach this server ({self.host}:{self.port}): the web "
                "wallet, the payment API and the demo's accounts. Use a network you trust, and end the demo "
                "(close the till) when you are done.\n"
                + ("  The certificate is self-signed: the phone will warn once; its fingerprint is printed "
                   "below by the server.\n" if self.tls else "")
                + "  The till's Presenter menu (☰) shows this address as a QR for the phone.\n\n")


def phone_server(args) -> PhoneServer | None:
    """--phone [ADDRESS] [--port N] [--tls], checked before anything starts; None without --phone."""
    from shared.lan_address import lan_address, reachable

    if args.phone is None:
        if args.port is not None or args.tls:
            raise Conflict("--port and --tls go with --phone (the phone wallet's server).", code="usage")
        return None
    if args.no_windows:
        raise Conflict("--phone serves the wallet while the demo runs: it does not go with --no-windows.",
                       code="usage")
    port = PHONE_PORT if args.port is None else args.port
    if not 0 < port < 65536:
        raise InputError("--port is 1-65535.", code="bad_port")
    if args.phone == PHONE_AUTO:
        host = lan_address()
    else:
        host = args.phone.strip().strip("[]")
        if not reachable(host):
            raise InputError(f"--phone takes this laptop's network address as a phone would reach it "
                             f"(e.g. 192.168.1.20), not {args.phone!r}: a loopback, empty or wildcard address "
                             "is out of the phone's reach.", code="bad_address")
    _check_port_free(host, port)
    return PhoneServer(host, port, bool(args.tls))


def _check_port_free(host: str, port: int) -> None:
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError as e:
            raise Conflict(f"The phone wallet cannot listen on {host}:{port} ({e.strerror or e}): the port is in "
                           "use (another `qrpay serve`?) or the address is not this laptop's. Choose another "
                           "--port, or another address.", code="port_unavailable") from None


def credentials_text(creds: dict) -> str:
    """What the presenter needs at hand: staff PINs and the customers' passwords."""
    lines = ["", "Demo accounts (TOTP codes: the Authenticator window):"]
    for s in creds["staff"]:
        lines.append(f"  staff {s['id']}  {s['name']:<28} {s['role']:<10} PIN {s['pin']}")
    for c in creds["customers"]:
        lines.append(f"  customer {c['email']:<20} password {c['password']}"
                     + (f"  SNS password {c['sns_password']}" if c.get("sns_password") else ""))
    return "\n".join(lines) + "\n\n"

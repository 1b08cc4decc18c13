"""`qrpay`: the QA command line over the payment core.

Global options: `--db PATH`, `--json`, `--now ISO8601` (pins the time for this one command);
`--server URL [--world NAME | --join CODE]` runs the command against a `qrpay serve` server instead of a database file
(the commands in `REMOTE_COMMANDS`; any other is refused naming it, and so is `--now`: only the admin moves a
world's clock, `qrpay --server URL clock set|advance`). The admin token comes from $QRPAY_ADMIN_TOKEN, or
from the token file when the server runs on this machine; a till's terminal key from $QRPAY_TERMINAL_KEY or
the keys `seed-demo` saved for that server.
Exit status: 0 done, 1 refused by a rule (JSON: {"error": {"code", "message"}}), 2 usage error.
JSON goes to stdout, errors included. Secrets (passwords, PINs) are read only from stdin.

Hostile input is stopped here, once for every command:
- an argument or stdin that is not valid UTF-8 is a usage error (exit 2) before anything runs;
- every `int` argument is checked to fit in 64 bits (sqlite's integers), and the storage layer
  turns any OverflowError into InputError for callers of the core's API;
- only the commands in `CREATES_DATABASE` may create a missing database file; every other command
  (all the read-only ones included) refuses a path where there is none (`no_database`);
- output paths (`output_path`) must be in an existing folder; any OSError left is a clean refusal;
- text output escapes control characters, ANSI escapes and bidi overrides (`safe_text`), so a
  stored name or address cannot act on the terminal; JSON escapes the ones JSON leaves raw.

Each command group lives in its own module with a `register(subparsers)` function that adds
subcommands whose handler is `func(core, args) -> dict`.
"""
from __future__ import annotations

import argparse
import json
import logging
import re
import sys
from pathlib import Path
from typing import Any, Callable, Sequence

from shared.errors import QrpayError
from shared.version import version_text

log = logging.getLogger("qrpay")

GROUPS = (
    "shared.cli.core_cmds",
    "shared.cli.identity_cmds",
    "shared.cli.external_id_cmds",
    "shared.cli.payment_cmds",
    "shared.cli.codes_cmds",
    "shared.cli.sales_cmds",
    "shared.cli.scan_cmds",
    "shared.cli.lab_cmds",
    "shared.cli.challenges_cmds",
    "shared.cli.demo_cmds",
    "shared.cli.world_cmds",
    "shared.cli.serve_cmds",
)


# The commands that may start from nothing (create the database file); any other command on a
# path with no database refuses instead of creating an empty one (e.g. `check` reporting "ok").
CREATES_DATABASE = {"init", "seed-demo", "customer add", "staff add", "policy set", "clock set",
                    "clock advance", "clock reset", "lab make-codes"}

INT64_MAX = 2 ** 63 - 1

# What `--server` can run: every command the API covers (docs/API.md). Anything else is refused with
# `not_over_server`, naming the command; `scan` reads a picture here and needs no server.
REMOTE_COMMANDS = {
    "policy show", "policy set", "policy defence", "clock show", "clock set", "clock advance", "clock reset",
    "audit list", "audit verify", "mailbox", "customer add", "customer confirm-totp", "customer show",
    "customer list", "customer unlock", "login", "logout", "password reset-request", "password reset-complete",
    "password change", "staff add", "staff list", "topup", "topup-limits", "wallet balance",
    "wallet history", "wallet freeze", "wallet unfreeze", "code issue", "code inspect", "code status", "seed-demo",
    "catalog list", "catalog store", "pay", "quote", "refund", "receipt", "journal", "report", "scan",
    "world list", "world create", "world reset", "world delete", "world join-code", "challenges", "challenges reset",
    "challenges export", "topup-password set", "attack"}


class UsageError(Exception):
    """Wrong use of the command line (exit 2)."""


# -- terminal safety ----------------------------------------------------------------------------------
# C0/C1 controls (ESC starts ANSI sequences, CR overwrites a line, 0x9b is an 8-bit CSI), DEL, the
# bidi embeddings/overrides/isolates and marks, and the Unicode line/paragraph separators.
_UNSAFE = "\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufff9-\ufffb"
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}\t]")
_UNSAFE_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def safe_text(value: object) -> str:
    """`value` as text a terminal shows but does not obey: controls (except newline) and bidi
    overrides become visible escapes like \\x1b, \\u202e."""
    text = _SURROGATE.sub("\ufffd", str(value))
    return _UNSAFE_TEXT.sub(_escape, text)


def _json_text(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    # json leaves DEL, C1 controls, bidi controls and U+2028/9 raw; \uXXXX keeps the same value
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", _SURROGATE.sub("\ufffd", text))


def _int64(text: str) -> int:
    """argparse `type` for every int argument: a whole number that fits sqlite's 64-bit integers."""
    t = text.strip()
    if not t or len(t) > 4000 or not re.fullmatch(r"[+-]?[0-9]+", t):
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:30]!r}")
    if len(t.lstrip("+-").lstrip("0")) > 19 or not -INT64_MAX <= int(t) <= INT64_MAX:
        raise argparse.ArgumentTypeError(f"{t[:30]} is out of range (beyond 64 bits)")
    return int(t)


_int64.__name__ = "int"


def output_path(text: str) -> Path:
    """argparse `type` for a file the command will write: its folder must already exist (checked
    before anything is done, so a bad path leaves nothing half-done)."""
    if not text or "\x00" in text:
        raise argparse.ArgumentTypeError("give a file name to write to")
    path = Path(text)
    try:
        folder = path.parent if str(path.parent) else Path(".")
        if path.is_dir():
            raise argparse.ArgumentTypeError(f"{text[:200]} is a folder, not a file name")
        if not folder.is_dir():
            raise argparse.ArgumentTypeError(f"cannot write {text[:200]}: {str(folder)[:200]} is not a folder")
    except OSError as e:
        raise argparse.ArgumentTypeError(f"cannot write {text[:200]}: {e.strerror}") from None
    return path


def output_file(suffix: str) -> Callable[[str], Path]:
    """argparse `type` for a document the command writes: `output_path`, and the name must end in
    `suffix` (".html", ".json") and be printable: a blank, control or bidi character, or a stray word
    is a usage error, not a file created under that name."""
    def check(text: str) -> Path:
        name = Path(text or "").name
        if not name.lower().endswith(suffix) or len(name) <= len(suffix) or _UNSAFE_TEXT.search(name) \
                or _SURROGATE.search(name) or name != name.strip():
            raise argparse.ArgumentTypeError(f"give a file name ending in {suffix} (printable, no spaces around it)")
        return output_path(text)
    check.__name__ = f"{suffix[1:]} file"
    return check


def output_dir(text: str) -> Path:
    """argparse `type` for a folder the command will write into (created if missing): nothing on
    the way may be a file."""
    if not text or "\x00" in text:
        raise argparse.ArgumentTypeError("give a folder")
    path = Path(text)
    try:
        for p in (path, *path.parents):
            if p.exists():
                if not p.is_dir():
                    raise argparse.ArgumentTypeError(f"cannot use {text[:200]}: {str(p)[:200]} is a file, not a folder")
                break
    except OSError as e:
        raise argparse.ArgumentTypeError(f"cannot use {text[:200]}: {e.strerror}") from None
    return path


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with our own JSON-aware message
        if len(message) > 300:  # argparse quotes the bad value whole: never echo 100 kB back
            message = message[:300] + "… (shortened)"
        if "expected one argument" in message:  # `--email -x@…`: argparse takes the value for an option
            message += " (a value that begins with '-' is written with '=', as in --option=-value)"
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="database file (default: $QRPAY_DB or the user data dir)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    common.add_argument("--now", metavar="ISO8601", default=argparse.SUPPRESS, help="pin the time for this command")
    common.add_argument("--server", metavar="URL", default=argparse.SUPPRESS,
                        help="run the command on a `qrpay serve` server (e.g. http://127.0.0.1:8765)")
    common.add_argument("--world", metavar="NAME", default=argparse.SUPPRESS,
                        help="with --server: the world (default: the server's default world)")
    common.add_argument("--join", metavar="CODE", default=argparse.SUPPRESS,
                        help="with --server: the world whose short join code (on the trainer's screen) this is")
    common.add_argument("--cacert", metavar="FILE", default=argparse.SUPPRESS,
                        help="with --server https://…: trust this certificate (the one `qrpay serve --tls` made; "
                             "default: $QRPAY_SERVER_CACERT, else the system's CAs)")
    parser = _Parser(prog="qrpay", description="QA command line of qrpay-sim.", parents=[common])
    parser.add_argument("--version", action="version", version=version_text("qrpay"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in GROUPS:
        importlib.import_module(name).register(sub, common)
    _harden(parser, [])
    return parser


# The arguments that name a file or a folder the command writes, checked before the command runs.
OUTPUTS = {("code issue", "png"): output_path, ("attack", "report"): output_file(".html"),
           ("lab make-codes", "dir"): output_dir, ("challenges export", "file"): output_file(".json")}


def _harden(parser: argparse.ArgumentParser, path: list[str]) -> None:
    """Every leaf command learns its name (`cmd_path`), every `int` argument becomes 64-bit bounded,
    and output paths are checked (`OUTPUTS`)."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for a in parser._actions:
        if a.type is int:
            a.type = _int64
        check = OUTPUTS.get((" ".join(path), a.dest))
        if check is not None and a.type is None:
            a.type = check
    if not subs or not subs[0].required:     # a leaf, or a command that also runs without its subcommand
        parser.set_defaults(cmd_path=" ".join(path))
    if not subs:
        return
    for name, sp in subs[0].choices.items():
        _harden(sp, path + [name])


def read_secret_stdin(what: str = "password") -> str:
    """A secret from stdin: the first line, without its line ending."""
    try:
        line = sys.stdin.readline()
    except UnicodeDecodeError:
        raise UsageError(f"the {what} on standard input is not valid UTF-8") from None
    if _SURROGATE.search(line):
        raise UsageError(f"the {what} on standard input is not valid UTF-8")
    if not line:
        raise UsageError(f"expected the {what} on standard input")
    return line.rstrip("\r\n")


STDIN_LIMIT = 1 << 20


def _buffer_stdin() -> None:
    """Read stdin (up to 1 MiB) now and keep it as checked UTF-8 text for `read_secret_stdin`."""
    import io

    raw = getattr(sys.stdin, "buffer", None)
    if raw is not None:
        data = raw.read(STDIN_LIMIT + 1)
        if len(data) > STDIN_LIMIT:
            raise UsageError("standard input is too long")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("standard input is not valid UTF-8") from None
    else:
        try:
            text = sys.stdin.read(STDIN_LIMIT + 1)
        except UnicodeDecodeError:
            raise UsageError("standard input is not valid UTF-8") from None
        if _SURROGATE.search(text):
            raise UsageError("standard input is not valid UTF-8")
    if not text:
        raise UsageError("expected the secret on standard input (a --…-stdin option was given)")
    sys.stdin = io.StringIO(text)


def _human(data: Any, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(data, dict):
        lines = []
        for k, v in data.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines.append(_human(v, indent + 1))
            else:
                lines.append(f"{pad}{safe_text(k)}: {safe_text(v)}")
        return "\n".join(lines)
    if isinstance(data, list):
        return "\n".join(_human(v, indent) if isinstance(v, (dict, list)) else f"{pad}- {safe_text(v)}"
                         for v in data)
    return f"{pad}{safe_text(data)}"


def emit(data: Any, as_json: bool, stream=None) -> None:
    stream = stream or sys.stdout
    if as_json:
        stream.write(_json_text(data) + "\n")
    else:
        stream.write(_human(data) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="backslashreplace")  # never die printing an odd character
        except (AttributeError, ValueError):
            pass
    try:
        sys.stdin.reconfigure(errors="strict")  # non-UTF-8 on stdin: a clean usage error, not mojibake
    except (AttributeError, ValueError):
        pass
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    for i, arg in enumerate(argv, start=1):
        if not isinstance(arg, str) or _SURROGATE.search(arg):
            _fail_usage(f"qrpay: argument {i} is not valid UTF-8 text; nothing was done", as_json)
            return 2
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except UsageError as e:
        _fail_usage(str(e), as_json)
        return 2
    except SystemExit as e:  # --help
        return int(e.code or 0)
    as_json = getattr(args, "json", False)
    saved_stdin = sys.stdin
    try:
        return _run(args, as_json)
    finally:
        sys.stdin = saved_stdin  # `_buffer_stdin` replaces it for this call only (main() may run again in-process)


def _run(args: argparse.Namespace, as_json: bool) -> int:
    handler: Callable[..., Any] = args.func
    try:
        if any(v is True for k, v in vars(args).items() if k.endswith("_stdin")):
            _buffer_stdin()  # checked before the database is opened: bad bytes write nothing
        core = None
        if getattr(args, "server", None) is not None:  # an empty --server is an error, not "no server"
            core, handler = open_remote(args, handler)
        elif getattr(args, "world", None) is not None or getattr(args, "join", None) is not None \
                or getattr(args, "cmd_path", "").startswith("world "):
            raise UsageError("qrpay: worlds live on a server: give --server URL")
        elif getattr(args, "cacert", None) is not None:  # an option of --server alone is not silently ignored
            raise UsageError("qrpay: --cacert goes with --server (the server's certificate)")
        elif getattr(handler, "needs_core", True):
            core = open_core(args)
        try:
            result = handler(core, args)
        finally:
            if core is not None:
                core.close()
    except UsageError as e:
        _fail_usage(str(e), as_json)
        return 2
    except QrpayError as e:
        _fail(e.to_json(), as_json)
        return 1
    except OSError as e:  # a file the command reads or writes: a refusal, not a traceback
        _fail({"code": "io_error", "message": f"{e.strerror or e}" + (f": {e.filename}" if e.filename else "")},
              as_json)
        return 1
    except KeyboardInterrupt:
        return 130
    if isinstance(result, int):
        return result
    if result is not None:
        emit(result, as_json)
    return 0


def open_core(args: argparse.Namespace):
    from shared.clock import FixedClock
    from shared.clock import parse_iso
    from shared.core import Core

    from shared.storage.db import Database, default_db_path

    clock = FixedClock(parse_iso(args.now)) if getattr(args, "now", None) else None
    path = Path(getattr(args, "db", None) or default_db_path())
    if _SURROGATE.search(str(path)):
        raise UsageError("qrpay: the database path is not valid UTF-8 text")
    create = getattr(args, "cmd_path", None) in CREATES_DATABASE
    return Core(Database(path, create=create), clock)


def open_remote(args: argparse.Namespace, handler: Callable[..., Any]):
    """(RemoteCore, the handler to run) for `--server`, or a refusal naming what cannot go through it."""
    from shared.errors import InputError, QrpayError
    from shared.remote import RemoteCore, admin_token_for

    command = getattr(args, "cmd_path", "")
    if not isinstance(args.server, str) or not args.server.startswith(("http://", "https://")) \
            or len(args.server) > 2000 or not args.server.isprintable():
        raise InputError("--server takes the server's address, e.g. http://127.0.0.1:8765.", code="bad_server_url")
    if getattr(args, "now", None):
        raise QrpayError("--now is refused through the server: a client never sets the time of its request. "
                         "The trainer moves the world's clock: qrpay --server URL clock set|advance.",
                         code="client_time_refused")
    if getattr(args, "db", None):
        raise UsageError("qrpay: give --db or --server, not both")
    if getattr(args, "join", None) is not None and getattr(args, "world", None) is not None:
        raise UsageError("qrpay: give --world NAME or --join CODE, not both")
    if command not in REMOTE_COMMANDS or (command == "audit verify" and args.against_z) \
            or (command == "login" and getattr(args, "email", None) is None):
        raise QrpayError(f"`qrpay {command}` is not available through the server (docs/API.md lists what is); "
                         "run it on the server's machine with --db.", code="not_over_server", command=command)
    if not getattr(handler, "needs_core", True) and not getattr(handler, "runs_on_server", False):
        return None, handler
    world = getattr(args, "world", None)
    if getattr(args, "join", None) is not None:
        from shared.remote.join import world_for_code
        world = world_for_code(args.server, args.join, cacert=getattr(args, "cacert", None))
    core = RemoteCore(args.server, world=world, admin_token=admin_token_for(args.server),
                      terminal_id=getattr(args, "terminal", None), cacert=getattr(args, "cacert", None))
    return core, REMOTE_HANDLERS.get(command, handler)


def _remote_seed_demo(core, args) -> dict:
    return core.seed_demo()


def _remote_clock_advance(core, args) -> dict:
    from shared.cli.core_cmds import cmd_clock_show
    core.advance_clock(args.seconds, actor="cli")
    return cmd_clock_show(core, args)


def _remote_audit_verify(core, args):
    v = core.audit_verify()
    if not v.ok:
        emit(v.to_json(), getattr(args, "json", False))
        return 1
    return v.to_json()


# Commands whose local handler reaches into the database file: the same command through the API.
REMOTE_HANDLERS: dict[str, Callable[..., Any]] = {
    "seed-demo": _remote_seed_demo, "clock advance": _remote_clock_advance, "audit verify": _remote_audit_verify}


def no_core(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a handler that opens no database (e.g. `scan`)."""
    func.needs_core = False  # type: ignore[attr-defined]
    return func


def on_server_too(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a `no_core` handler that, with --server, is given the RemoteCore (the server does the work)."""
    func.runs_on_server = True  # type: ignore[attr-defined]
    return func


def _fail(error: dict, as_json: bool) -> None:
    if as_json:
        emit({"error": error}, True)
    else:
        sys.stderr.write(f"refused ({safe_text(error.get('code'))}): {safe_text(error.get('message'))}\n")


def _fail_usage(message: str, as_json: bool) -> None:
    if as_json:
        emit({"error": {"code": "usage", "message": message}}, True)
    else:
        sys.stderr.write(safe_text(message) + "\n")


if __name__ == "__main__":
    # Run through the package module so command groups share this module's UsageError.
    from shared.cli.main import main as _main

    sys.exit(_main())

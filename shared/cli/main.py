"""`qrpay`: the QA command line over the payment core.

Global options: `--db PATH`, `--json`, `--now ISO8601` (pins the time for this one command).
Exit status: 0 done, 1 refused by a rule (JSON: {"error": {"code", "message"}}), 2 usage error.
JSON goes to stdout, errors included. Secrets (passwords, PINs) are read only from stdin.

Each command group lives in its own module with a `register(subparsers)` function that adds
subcommands whose handler is `func(core, args) -> dict`.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
from typing import Any, Callable, Sequence

from shared.errors import QrpayError

log = logging.getLogger("qrpay")

GROUPS = (
    "shared.cli.core_cmds",
    "shared.cli.identity_cmds",
    "shared.cli.payment_cmds",
    "shared.cli.codes_cmds",
    "shared.cli.sales_cmds",
    "shared.cli.scan_cmds",
    "shared.cli.lab_cmds",
    "shared.cli.demo_cmds",
)


class UsageError(Exception):
    """Wrong use of the command line (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit 2 with our own JSON-aware message
        if len(message) > 300:  # argparse quotes the bad value whole: never echo 100 kB back
            message = message[:300] + "… (shortened)"
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    import importlib

    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="database file (default: $QRPAY_DB or the user data dir)")
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output")
    common.add_argument("--now", metavar="ISO8601", default=argparse.SUPPRESS, help="pin the time for this command")
    parser = _Parser(prog="qrpay", description="QA command line of qrpay-sim.", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in GROUPS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name == name:
                continue
            raise
        module.register(sub, common)
    return parser


def read_secret_stdin(what: str = "password") -> str:
    """A secret from stdin: the first line, without its line ending."""
    line = sys.stdin.readline()
    if not line:
        raise UsageError(f"expected the {what} on standard input")
    return line.rstrip("\r\n")


def _human(data: Any, indent: int = 0) -> str:
    pad = "  " * indent
    if isinstance(data, dict):
        lines = []
        for k, v in data.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines.append(_human(v, indent + 1))
            else:
                lines.append(f"{pad}{k}: {v}")
        return "\n".join(lines)
    if isinstance(data, list):
        return "\n".join(_human(v, indent) if isinstance(v, (dict, list)) else f"{pad}- {v}" for v in data)
    return f"{pad}{data}"


def emit(data: Any, as_json: bool, stream=None) -> None:
    stream = stream or sys.stdout
    if as_json:
        stream.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")
    else:
        stream.write(_human(data) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in argv
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except UsageError as e:
        _fail_usage(str(e), as_json)
        return 2
    except SystemExit as e:  # --help
        return int(e.code or 0)
    as_json = getattr(args, "json", False)
    handler: Callable[..., Any] = args.func
    try:
        core = None
        if getattr(handler, "needs_core", True):
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
        if as_json:
            emit({"error": e.to_json()}, True)
        else:
            sys.stderr.write(f"refused ({e.code}): {e.message}\n")
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

    clock = FixedClock(parse_iso(args.now)) if getattr(args, "now", None) else None
    return Core.open(getattr(args, "db", None), clock=clock)


def no_core(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a handler that opens no database (e.g. `scan`)."""
    func.needs_core = False  # type: ignore[attr-defined]
    return func


def _fail_usage(message: str, as_json: bool) -> None:
    if as_json:
        emit({"error": {"code": "usage", "message": message}}, True)
    else:
        sys.stderr.write(message + "\n")


if __name__ == "__main__":
    # Run through the package module so command groups share this module's UsageError.
    from shared.cli.main import main as _main

    sys.exit(_main())

"""`qrpay attack NAME | list` and `qrpay lab make-codes DIR | check DIR`: the training lab.

`qrpay attack NAME --policy hardened|2019 [--off DEFENCE ...] [--lang en|ja] [--pace SECONDS] [--json]
[--report FILE.html] [--<size> N ...]` runs one
scenario with `shared.attacks.run_isolated` on a fresh temporary database (or on `--db PATH`), on
a simulated clock that starts at `--now` (default: the real time). Exit status: 0 the scenario ran
and every invariant of `qrpay check` still holds (whatever the outcome: an attack succeeding under
2019 is the point), 1 the run left an invariant broken, 2 usage. The outcome is in the output: `outcome` is
"blocked" or "succeeded". With `--server URL` the server runs it (the API's attack runs, on its own
database: the world is untouched) and the steps are printed when the run is over; `--report`, `--pace`
and `--real-argon2` act on this machine and are refused there.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shared.attacks.spec import MAX_PACE_SECONDS
from shared.cli.main import UsageError, emit, no_core, on_server_too, safe_text
from shared.texts import LANGS


def _size_flags() -> dict[str, object]:
    from shared.attacks import SCENARIOS

    flags: dict[str, object] = {}
    for spec in SCENARIOS.values():
        for opt in spec.sizes:
            flags.setdefault(opt.name, opt)
    return flags


def register(sub, common) -> None:
    from shared.attacks import SCENARIOS

    p = sub.add_parser("attack", parents=[common], help="replay one of the 2019 attacks against a policy",
                       description="Run an attack scenario ('list' shows them and their size options).")
    p.add_argument("name", choices=["list", *SCENARIOS], metavar="NAME",
                   help="list, or one of: " + ", ".join(SCENARIOS))
    p.add_argument("--policy", choices=["hardened", "2019"], default="hardened")
    p.add_argument("--off", action="append", default=[], metavar="DEFENCE",
                   help="switch this defence off (from hardened; repeatable; see `qrpay policy show`)")
    p.add_argument("--report", metavar="FILE.html", help="also write an HTML incident report")
    p.add_argument("--lang", choices=list(LANGS), default="en", help="language of the steps, results and report")
    p.add_argument("--pace", type=float, default=None, metavar="SECONDS",
                   help=f"wait this long after each step (presenter pace, 0–{MAX_PACE_SECONDS:g} s)")
    p.add_argument("--real-argon2", action="store_true",
                   help="hash simulated passwords with the production Argon2id parameters (slow)")
    sizes = p.add_argument_group("sizes (each scenario takes its own; see `qrpay attack list`)")
    for name, opt in _size_flags().items():
        sizes.add_argument("--" + name.replace("_", "-"), dest=f"size_{name}", type=opt.kind, default=None,  # type: ignore[attr-defined]
                           metavar="N", help=opt.help)  # type: ignore[attr-defined]
    p.set_defaults(func=cmd_attack)

    p = sub.add_parser("lab", parents=[common], help="the QA code lab: images of codes with the verdicts a till "
                                                    "must give")
    ls = p.add_subparsers(dest="action", required=True)
    q = ls.add_parser("make-codes", parents=[common], help="write code images and manifest.json into DIR")
    q.add_argument("dir", metavar="DIR")
    q.set_defaults(func=cmd_make_codes)
    q = ls.add_parser("check", parents=[common], help="scan every image in DIR and compare with its manifest")
    q.add_argument("dir", metavar="DIR")
    q.add_argument("--at", metavar="ISO8601", help="check at this time instead of the manifest's as_of")
    q.set_defaults(func=cmd_lab_check)


def _list() -> dict:
    from shared.attacks import SCENARIOS

    return {"scenarios": [{"name": s.name, "title": s.title, "summary": s.summary, "stopping": list(s.stopping),
                           "sizes": [{"name": o.name, "default": o.default, "minimum": o.minimum,
                                      "maximum": o.maximum, "help": o.help} for o in s.sizes]}
                          for s in SCENARIOS.values()]}


@on_server_too
@no_core
def cmd_attack(core, args: argparse.Namespace):
    from shared.attacks import SCENARIOS, run_isolated
    from shared.attacks import report as report_mod
    from shared.clock import SystemClock, parse_iso
    from shared.errors import InputError

    if args.name == "list":
        return _list()
    spec = SCENARIOS[args.name]
    known = {o.name for o in spec.sizes}
    sizes: dict[str, object] = {}
    for name in _size_flags():
        value = getattr(args, f"size_{name}")
        if value is None:
            continue
        if name not in known:
            raise UsageError(f"qrpay attack {spec.name}: --{name.replace('_', '-')} is not one of its sizes "
                             f"({', '.join('--' + k.replace('_', '-') for k in sorted(known))})")
        sizes[name] = value
    if args.real_argon2:
        sizes["real_argon2"] = True
    as_json = getattr(args, "json", False)
    lang = args.lang
    start = parse_iso(args.now) if getattr(args, "now", None) else float(int(SystemClock().now()))
    policy: object = args.policy
    if args.off:
        from shared import defences
        if args.policy != "hardened":
            raise UsageError(f"qrpay attack {spec.name}: --off switches defences off from hardened; leave out "
                             "--policy 2019 (every defence is off there)")
        try:
            policy = {defences.defence_named(n).name for n in args.off}
        except InputError as e:
            raise UsageError(f"qrpay attack {spec.name}: {e.message}") from None

    from shared.remote import RemoteCore
    if isinstance(core, RemoteCore):
        return _attack_on_server(core, args, spec.name, policy, sizes, as_json, lang)

    def show(step) -> None:
        if not as_json:
            _print_step(step.to_json(lang), lang)

    try:
        result = run_isolated(spec, policy=policy, on_step=show, pace=args.pace, start=start,
                              db=getattr(args, "db", None), **sizes)
    except InputError as e:
        raise UsageError(f"qrpay attack {spec.name}: {e.message}") from None
    out = result.to_json(lang)
    out["database"] = str(args.db) if getattr(args, "db", None) else None
    if args.report:
        out["report"] = str(report_mod.write_html(result, args.report, lang))
    if as_json:
        emit(out, True)
    else:
        _print_summary(out, lang)
    return 0 if result.ledger_ok else 1


def _attack_on_server(core, args: argparse.Namespace, name: str, policy: object, sizes: dict, as_json: bool,
                      lang: str) -> int:
    """`qrpay --server URL attack NAME`: the server runs the scenario on its own temporary database (the world
    is untouched) and sends the whole result; its steps are printed when it is over. What only this machine
    can do is refused, not ignored."""
    for given, what in ((args.report, "--report writes the HTML report on this machine"),
                        (args.pace, "--pace paces a run on this machine"),
                        (args.real_argon2 or None, "--real-argon2 sets this machine's password hashing")):
        if given is not None:
            raise UsageError(f"qrpay attack {name}: {what}; run it without --server (an attack never touches a world)")
    if isinstance(policy, str):
        out = core.run_attack(name, preset=policy, sizes=sizes, lang=lang)
    else:
        out = core.run_attack(name, defences_off=sorted(policy), sizes=sizes, lang=lang)
    out["database"] = None
    if as_json:
        emit(out, True)
    else:
        for step in out.get("steps", []):
            _print_step(step, lang)
        _print_summary(out, lang)
    return 0 if out.get("ledger_ok") else 1


def _print_step(step: dict, lang: str) -> None:
    """One line per step, as it happens (here) or when the server's run is over."""
    from shared.attacks.report import step_line
    sys.stdout.write(safe_text(step_line(step, lang)) + "\n")
    sys.stdout.flush()


def _print_summary(out: dict, lang: str) -> None:
    from shared.attacks.report import summary_lines
    sys.stdout.write(safe_text("\n".join(summary_lines(out, lang))) + "\n")


def cmd_make_codes(core, args: argparse.Namespace) -> dict:
    from shared.lab import make_codes

    manifest = make_codes(core, args.dir)
    return {"dir": str(Path(args.dir)), "as_of": manifest["as_of_iso"], "codes": len(manifest["codes"]),
            "instructions": manifest["instructions"],
            "verdicts": {c["file"]: c["verdict"] for c in manifest["codes"]}}


def cmd_lab_check(core, args: argparse.Namespace):
    from shared.clock import parse_iso
    from shared.lab import check_codes, load_manifest, mismatches_json

    at = parse_iso(args.at) if args.at else None
    manifest = load_manifest(args.dir)
    mismatches = check_codes(core, args.dir, at=at)
    out = {"dir": str(Path(args.dir)), "checked": len(manifest["codes"]), "mismatches": mismatches_json(mismatches),
           "ok": not mismatches}
    if mismatches:
        emit(out, getattr(args, "json", False))
        return 1
    return out

"""`qrpay challenges [reset --yes | export FILE]`: the trainees' challenges, solved by doing.

`qrpay challenges` detects new solves from the audit log and the ledger and lists every challenge
with its difficulty, hints, the defence that stops it and, once solved, what went wrong at 7pay.
`reset --yes` forgets the progress (only what happens afterwards counts); `export FILE` writes
the progress as JSON. With `--server URL [--world NAME]` all three act on that world through the API (admin).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from shared.texts import LANGS, Text

_HEAD = Text("challenges solved: {solved} of {total}", "解決したチャレンジ：{total} 件中 {solved} 件")
_DIFFICULTY = Text("difficulty", "難易度")
_STOPPED = Text("stopped by", "防ぐ防御")
_HINT = Text("hint {n}", "ヒント {n}")
_SOLVED = Text("SOLVED {at}", "解決 {at}")
_OPEN = Text("open", "未解決")
_WHY = Text("at 7pay", "7payでは")


def register(sub, common) -> None:
    p = sub.add_parser("challenges", parents=[common], help="hands-on challenges, detected from the audit log",
                       description="List the challenges and their solved state (detecting new solves).")
    p.add_argument("--lang", choices=list(LANGS), default="en")
    p.add_argument("--hints", action="store_true", help="show both levels of hints")
    p.set_defaults(func=cmd_challenges)
    cs = p.add_subparsers(dest="action", required=False)
    q = cs.add_parser("reset", parents=[common], help="forget every solve (only what happens afterwards counts)")
    q.add_argument("--yes", action="store_true", required=True, help="I know the progress is lost")
    q.set_defaults(func=cmd_challenges_reset)
    q = cs.add_parser("export", parents=[common], help="write the progress as JSON")
    q.add_argument("file", metavar="FILE.json")
    q.add_argument("--lang", choices=list(LANGS), default="en")
    q.set_defaults(func=cmd_challenges_export)


def cmd_challenges(core, args: argparse.Namespace):
    from shared import challenges
    from shared.cli.main import safe_text

    lang = args.lang
    out = challenges.export_json(core, lang)
    if getattr(args, "json", False):
        return out
    lines = [_HEAD.format(lang, solved=out["solved"], total=out["total"]), ""]
    for c in out["challenges"]:
        state = _SOLVED.format(lang, at=c["solved_at"]) if c["solved"] else _OPEN.get(lang)
        lines.append(f"[{'x' if c['solved'] else ' '}] {c['id']}  {c['title']}  ({_DIFFICULTY.get(lang)} "
                     f"{'★' * c['difficulty']}; {_STOPPED.get(lang)}: {c['defence']}; {state})")
        lines.append(f"      {c['goal']}")
        if args.hints:
            lines += [f"      {_HINT.format(lang, n=i)}: {h}" for i, h in enumerate(c["hints"], start=1)]
        if c["solved"]:
            lines.append(f"      {_WHY.get(lang)}: {c['explanation']}")
    sys.stdout.write(safe_text("\n".join(lines)) + "\n")
    return 0


def cmd_challenges_reset(core, args) -> dict:
    from shared import challenges

    return {"reset": True, "forgotten": challenges.forget_solves(core)}


def cmd_challenges_export(core, args) -> dict:
    from shared import challenges

    data = challenges.export_json(core, args.lang)
    tmp = args.file.with_name(args.file.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, args.file)
    return {"file": str(args.file), "solved": data["solved"], "total": data["total"]}

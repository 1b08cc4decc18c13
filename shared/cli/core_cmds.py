"""`qrpay init | policy | clock | audit | mailbox`: the database, its policy (a preset or defences
switched one by one: `policy show`, `policy set`, `policy defence NAME on|off`), its shared clock,
the audit log and the simulated mailbox."""
from __future__ import annotations

import argparse

from shared import audit_events
from shared.clock import parse_iso, to_iso
from shared.texts import LANGS


def register(sub, common) -> None:
    p = sub.add_parser("init", parents=[common], help="create (or upgrade) the database")
    p.add_argument("--policy", choices=["hardened", "2019"], default=None)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("policy", parents=[common], help="show or set the security policy and its defences")
    ps = p.add_subparsers(dest="action", required=True)
    q = ps.add_parser("show", parents=[common], help="the preset (or custom) and every defence, on or off")
    q.add_argument("--lang", choices=list(LANGS), default="en", help="language of titles and explanations")
    q.set_defaults(func=cmd_policy_show)
    q = ps.add_parser("set", parents=[common], help="set a preset: every defence on (hardened) or off (2019)")
    q.add_argument("name", choices=["hardened", "2019"])
    q.set_defaults(func=cmd_policy_set)
    q = ps.add_parser("defence", parents=[common], help="switch one defence on or off (see `qrpay policy show`)")
    q.add_argument("defence", metavar="NAME")
    q.add_argument("state", choices=["on", "off"])
    q.set_defaults(func=cmd_policy_defence)

    p = sub.add_parser("clock", parents=[common], help="the simulated clock shared by both apps")
    cs = p.add_subparsers(dest="action", required=True)
    cs.add_parser("show", parents=[common]).set_defaults(func=cmd_clock_show)
    q = cs.add_parser("set", parents=[common])
    q.add_argument("time", metavar="ISO8601")
    q.set_defaults(func=cmd_clock_set)
    q = cs.add_parser("advance", parents=[common])
    q.add_argument("seconds", type=float)
    q.set_defaults(func=cmd_clock_advance)
    cs.add_parser("reset", parents=[common]).set_defaults(func=cmd_clock_reset)

    p = sub.add_parser("audit", parents=[common], help="the hash-chained audit log")
    au = p.add_subparsers(dest="action", required=True)
    q = au.add_parser("list", parents=[common])
    q.add_argument("--event")
    q.add_argument("--alerts", action="store_true", help="only alerts")
    q.add_argument("--limit", type=int, default=100)
    q.set_defaults(func=cmd_audit_list)
    q = au.add_parser("verify", parents=[common], help="every check of the log; names the one that fails")
    q.add_argument("--against-z", action="append", default=[], metavar="ROWS:HASH",
                   help="a head printed on a Z report: the log must still extend it (repeatable)")
    q.set_defaults(func=cmd_audit_verify)
    q = au.add_parser("adopt", parents=[common],
                      help="re-sign the log's current head with this machine's key (after a lost key); an alert")
    q.add_argument("--yes", action="store_true", required=True, help="I know this accepts the log as it is now")
    q.set_defaults(func=cmd_audit_adopt)

    p = sub.add_parser("mailbox", parents=[common], help="messages the system sent to an address")
    p.add_argument("--to", required=True, metavar="ADDR")
    p.set_defaults(func=cmd_mailbox)


def cmd_init(core, args: argparse.Namespace) -> dict:
    if args.policy:
        core.set_policy(args.policy, actor="cli")
    core.codes.ensure_issuer_key()
    return {"db": str(core.db.path), "schema_version": core.db.user_version(), "policy": core.policy.name}


def _policy_view(policy, lang: str = "en") -> dict:
    from shared import defences
    from shared.policy import policy_fields

    summary = defences.describe(policy)
    off = set(summary.off_names)
    return {"preset": summary.preset, "policy": policy.name, "defences_off": len(off),
            "defences": [{"name": d.name, "on": d.name not in off, "title": d.title.get(lang),
                          "stops": d.stops.get(lang), "guideline": d.guideline, "where": list(d.where),
                          "fields": list(d.fields)} for d in defences.DEFENCES.values()],
            "settings": policy_fields(policy)}


def cmd_policy_show(core, args):
    import sys

    view = _policy_view(core.policy, args.lang)
    if getattr(args, "json", False):
        return view
    from shared.cli.main import safe_text
    head = {"en": ("policy", "defences off", "stops", "guideline", "where"),
            "ja": ("ポリシー", "オフの防御", "防ぐもの", "基準", "実装")}[args.lang]
    preset = view["preset"] or "custom"
    lines = [f"{head[0]}: {preset} ({head[1]}: {view['defences_off']} / {len(view['defences'])})", ""]
    for d in view["defences"]:
        lines.append(f"[{'on ' if d['on'] else 'OFF'}] {d['name']}  {d['title']}")
        lines.append(f"      {head[2]}: {d['stops']}")
        lines.append(f"      {head[3]}: {d['guideline']}")
        lines.append(f"      {head[4]}: {', '.join(d['where'])}")
    sys.stdout.write(safe_text("\n".join(lines)) + "\n")
    return 0


def cmd_policy_set(core, args) -> dict:
    policy = core.set_policy(args.name, actor="cli")
    return {"policy": policy.name, "preset": policy.name}


def cmd_policy_defence(core, args) -> dict:
    from shared import defences

    d = defences.defence_named(args.defence)  # an unknown name: refused before anything is written
    policy = core.set_defence(d.name, args.state == "on", actor="cli")
    summary = defences.describe(policy)
    return {"defence": d.name, "on": d.name not in summary.off_names, "preset": summary.preset,
            "policy": policy.name, "defences_off": list(summary.off_names)}


def _clock(core) -> dict:
    now = core.now()
    return {"now": to_iso(now), "unix": now, "offset_seconds": core.clock_offset()}


def cmd_clock_show(core, args) -> dict:
    return _clock(core)


def cmd_clock_set(core, args) -> dict:
    core.set_simulated_time(parse_iso(args.time), actor="cli")
    return _clock(core)


def cmd_clock_advance(core, args) -> dict:
    core.set_clock_offset(core.clock_offset() + args.seconds, actor="cli")
    return _clock(core)


def cmd_clock_reset(core, args) -> dict:
    core.set_clock_offset(0.0, actor="cli")
    return _clock(core)


def cmd_audit_list(core, args) -> dict:
    rows = core.audit_recent(event=None if args.event is None else audit_events.parse(args.event), severity="alert" if args.alerts else None,
                             limit=max(1, min(args.limit, 10_000)))
    return {"rows": [{"id": r.id, "at": to_iso(r.at), "event": str(r.event), "severity": r.severity,
                      "customer_id": r.customer_id, "actor": r.actor, "details": r.details} for r in rows]}


def _parse_head(text: str) -> tuple[str, int, str]:
    import re

    from shared.errors import InputError
    m = re.fullmatch(r"\s*(\d{1,12})\s*:\s*([0-9a-fA-F]{64})\s*", text)
    if not m:
        raise InputError("Give a printed head as ROWS:HASH (the row count and the 64-hex-digit hash on the Z report).")
    return f"the head given ({m.group(1)} rows)", int(m.group(1)), m.group(2).lower()


def _verify(core, against: list[str] = ()):
    from shared import audit
    from shared.reports import stored_z_heads

    given = [_parse_head(t) for t in against]
    with core.db.read() as conn:
        return audit.verify(conn, expected=[*stored_z_heads(conn), *given])


def cmd_audit_verify(core, args):
    v = _verify(core, args.against_z)
    result = v.to_json()
    if not v.ok:
        from shared.cli.main import emit
        emit(result, getattr(args, "json", False))
        return 1
    return result


def cmd_audit_adopt(core, args) -> dict:
    from shared import audit
    v = _verify(core)
    with core.db.write() as conn:
        rows = audit.adopt(conn, at=core.now(), actor="cli", problems=v.problems)
    after = _verify(core)
    return {"adopted_rows": rows, "found": [p.check for p in v.problems], "ok": after.ok,
            "key_path": after.key_path, "key_fingerprint": after.key_fingerprint}


def cmd_mailbox(core, args) -> dict:
    return {"messages": [{"to": m.to, "subject": m.subject, "body": m.body, "sent_at": to_iso(m.sent_at),
                          "kind": m.kind, "subject_ja": m.subject_ja, "body_ja": m.body_ja}
                         for m in core.inbox(args.to)]}

"""`qrpay topup | topup-password | wallet | check`: money in, the wallet, and the invariants.

Secrets (the top-up password, a supervisor's PIN) come from stdin only. `qrpay check` exits 1
with the first violation (all of them under `violations`), 0 with {"ok": true, ...} otherwise.
"""
from __future__ import annotations

import argparse

from shared.clock import to_iso
from shared.errors import QrpayError
from shared.money import parse_yen


def register(sub, common) -> None:
    p = sub.add_parser("topup", parents=[common], help="top up a wallet from a (simulated) card")
    p.add_argument("--session", required=True, metavar="TOKEN")
    p.add_argument("--amount", required=True, metavar="YEN")
    p.add_argument("--card", required=True, metavar="NUMBER")
    p.add_argument("--totp", metavar="CODE", help="required under the hardened policy")
    p.add_argument("--topup-password-stdin", action="store_true", help="2019 policy: the top-up password on stdin")
    p.add_argument("--idempotency-key", metavar="KEY", help="the same key again returns the first top-up")
    p.set_defaults(func=cmd_topup)

    p = sub.add_parser("topup-limits", parents=[common], help="what a customer may still top up")
    p.add_argument("--session", required=True, metavar="TOKEN")
    p.set_defaults(func=cmd_topup_limits)

    p = sub.add_parser("topup-password", parents=[common], help="the 2019 top-up password")
    ts = p.add_subparsers(dest="action", required=True)
    q = ts.add_parser("set", parents=[common], help="set or change it (new password on stdin)")
    q.add_argument("--session", required=True, metavar="TOKEN")
    q.add_argument("--totp", metavar="CODE", help="required under the hardened policy")
    q.add_argument("--password-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_topup_password_set)

    p = sub.add_parser("wallet", parents=[common], help="balance, history, freeze")
    ws = p.add_subparsers(dest="action", required=True)
    q = ws.add_parser("balance", parents=[common])
    q.add_argument("--session", required=True, metavar="TOKEN")
    q.set_defaults(func=cmd_wallet_balance)
    q = ws.add_parser("history", parents=[common])
    q.add_argument("--session", required=True, metavar="TOKEN")
    q.add_argument("--limit", type=int, default=100)
    q.set_defaults(func=cmd_wallet_history)
    for action, func in (("freeze", cmd_wallet_freeze), ("unfreeze", cmd_wallet_unfreeze)):
        q = ws.add_parser(action, parents=[common], help=f"{action} a wallet (supervisor PIN on stdin)")
        q.add_argument("--customer", required=True, type=int, metavar="ID")
        q.add_argument("--supervisor", required=True, type=int, metavar="ID")
        q.add_argument("--pin-stdin", action="store_true", required=True)
        q.add_argument("--reason", default="")
        q.set_defaults(func=func)

    p = sub.add_parser("check", parents=[common], help="verify the ledger, the database and the audit chain")
    p.set_defaults(func=cmd_check)


def _topup_json(t) -> dict:
    return {"id": t.id, "amount": t.amount, "balance": t.balance, "card_brand": t.card_brand,
            "card_last4": t.card_last4, "at": to_iso(t.at)}


def cmd_topup(core, args: argparse.Namespace) -> dict:
    from shared.cli.main import read_secret_stdin

    password = read_secret_stdin("top-up password") if args.topup_password_stdin else None
    t = core.topups.top_up(args.session, parse_yen(args.amount, maximum=100_000_000), args.card, totp=args.totp,
                           topup_password=password, idempotency_key=args.idempotency_key)
    return _topup_json(t)


def cmd_topup_limits(core, args) -> dict:
    lim = core.topups.limits(args.session)
    return {f: getattr(lim, f) for f in lim.__dataclass_fields__}


def cmd_topup_password_set(core, args) -> dict:
    from shared.cli.main import read_secret_stdin

    core.topups.set_topup_password(args.session, read_secret_stdin("new top-up password"), totp=args.totp)
    return {"ok": True}


def _customer_of(core, token: str) -> int:
    return core.identity.session(token).customer_id


def cmd_wallet_balance(core, args) -> dict:
    return {"balance": core.wallet.balance(_customer_of(core, args.session))}


def cmd_wallet_history(core, args) -> dict:
    entries = core.wallet.history(_customer_of(core, args.session), limit=args.limit)
    return {"entries": [{"at": to_iso(e.at), "kind": e.kind.value, "amount": e.amount, "description": e.description,
                         "ref": e.ref} for e in entries]}


def cmd_wallet_freeze(core, args) -> dict:
    from shared.cli.main import read_secret_stdin

    core.wallet.freeze(args.customer, supervisor_id=args.supervisor, pin=read_secret_stdin("PIN"), reason=args.reason)
    return {"customer_id": args.customer, "frozen": True}


def cmd_wallet_unfreeze(core, args) -> dict:
    from shared.cli.main import read_secret_stdin

    core.wallet.unfreeze(args.customer, supervisor_id=args.supervisor, pin=read_secret_stdin("PIN"),
                         reason=args.reason)
    return {"customer_id": args.customer, "frozen": False}


def cmd_check(core, args) -> dict:
    from shared import checks

    problems = checks.run_checks(core)
    if problems:
        raise QrpayError(problems[0], code="check_failed", violations=problems)
    return {"ok": True, **checks.summary(core)}

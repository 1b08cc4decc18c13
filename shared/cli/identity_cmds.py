"""`qrpay customer | login | logout | password | staff`: accounts, sign-in, reset, store staff.

Passwords and PINs are read from stdin only (`--password-stdin`, `--pin-stdin`), never from the
command line, where other users could read them in the process list.
"""
from __future__ import annotations

import argparse

from shared.clock import to_iso


def register(sub, common) -> None:
    p = sub.add_parser("customer", parents=[common], help="customer accounts")
    cs = p.add_subparsers(dest="action", required=True)
    q = cs.add_parser("add", parents=[common], help="register a customer (password on stdin)")
    q.add_argument("--email", required=True)
    q.add_argument("--name", required=True)
    q.add_argument("--password-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_customer_add)
    q = cs.add_parser("confirm-totp", parents=[common], help="finish enrolment with a code from the authenticator")
    q.add_argument("--email", required=True)
    q.add_argument("--code", required=True)
    q.set_defaults(func=cmd_customer_confirm_totp)
    q = cs.add_parser("show", parents=[common], help="one customer's account")
    q.add_argument("--email", required=True)
    q.set_defaults(func=cmd_customer_show)
    cs.add_parser("list", parents=[common], help="every customer").set_defaults(func=cmd_customer_list)
    q = cs.add_parser("unlock", parents=[common],
                      help="a supervisor ends a sign-in lock on an account (supervisor PIN on stdin)")
    q.add_argument("--email", required=True)
    q.add_argument("--supervisor-id", required=True, type=int)
    q.add_argument("--pin-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_customer_unlock)

    p = sub.add_parser("login", parents=[common],
                       help="sign in (password on stdin), or with an SNS ID (see `qrpay sns --help`)")
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--email", help="the wallet account's e-mail (its password on stdin)")
    who.add_argument("--sns-email", metavar="EMAIL",
                     help="sign in with the SNS account of this e-mail (its SNS password on stdin)")
    who.add_argument("--id-token-stdin", action="store_true",
                     help="sign in with an SNS ID token read from stdin (e.g. one issued to another app)")
    who.add_argument("--external-id", metavar="SNS_USER_ID",
                     help="send an SNS user id as-is (what the 2019 app trusted)")
    p.add_argument("--password-stdin", action="store_true")
    factor = p.add_mutually_exclusive_group()
    factor.add_argument("--totp", metavar="CODE")
    factor.add_argument("--recovery-code", metavar="CODE")
    p.add_argument("--device", default="cli")
    p.add_argument("--source", default="local")
    p.set_defaults(func=cmd_login)

    p = sub.add_parser("logout", parents=[common], help="end a session (or every session)")
    p.add_argument("--session", required=True, metavar="TOKEN")
    p.add_argument("--everywhere", action="store_true")
    p.set_defaults(func=cmd_logout)

    p = sub.add_parser("password", parents=[common], help="password reset and change")
    ps = p.add_subparsers(dest="action", required=True)
    q = ps.add_parser("reset-request", parents=[common], help="send a reset code to the address of record")
    q.add_argument("--email", required=True)
    q.add_argument("--send-to", metavar="ADDR", help="honoured only under the 2019 policy")
    q.add_argument("--source", default="local")
    q.set_defaults(func=cmd_reset_request)
    q = ps.add_parser("reset-complete", parents=[common], help="set a new password with the reset code")
    q.add_argument("--email", required=True)
    q.add_argument("--reset-code", required=True)
    factor = q.add_mutually_exclusive_group()
    factor.add_argument("--totp", metavar="CODE")
    factor.add_argument("--recovery-code", metavar="CODE")
    q.add_argument("--password-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_reset_complete)
    q = ps.add_parser("change", parents=[common], help="change the password of a signed-in customer")
    q.add_argument("--session", required=True, metavar="TOKEN")
    q.add_argument("--totp", metavar="CODE")
    q.add_argument("--password-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_password_change)

    p = sub.add_parser("staff", parents=[common], help="clerks and supervisors")
    ss = p.add_subparsers(dest="action", required=True)
    q = ss.add_parser("add", parents=[common], help="add a staff member (PIN on stdin)")
    q.add_argument("--name", required=True)
    q.add_argument("--role", required=True, choices=["clerk", "supervisor"])
    q.add_argument("--pin-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_staff_add)
    ss.add_parser("list", parents=[common], help="every active staff member").set_defaults(func=cmd_staff_list)
    q = ss.add_parser("verify", parents=[common], help="check a staff PIN (PIN on stdin)")
    q.add_argument("--id", required=True, type=int)
    q.add_argument("--pin-stdin", action="store_true", required=True)
    q.set_defaults(func=cmd_staff_verify)


def _secret(what: str = "password") -> str:
    from shared.cli.main import read_secret_stdin
    return read_secret_stdin(what)


def _customer_json(c) -> dict:
    return {"customer_id": c.id, "email": c.email, "name": c.name, "totp_enrolled": c.totp_enrolled,
            "frozen": c.frozen, "created_at": to_iso(c.created_at)}


def cmd_customer_add(core, args: argparse.Namespace) -> dict:
    e = core.identity.register(args.email, args.name, _secret())
    return {"customer_id": e.customer_id, "email": e.email, "totp_secret": e.totp_secret,
            "otpauth_uri": e.otpauth_uri, "recovery_codes": list(e.recovery_codes)}


def cmd_customer_confirm_totp(core, args) -> dict:
    core.identity.confirm_totp(args.email, args.code)
    return {"email": args.email.strip().lower(), "totp_enrolled": True}


def cmd_customer_show(core, args) -> dict:
    return _customer_json(core.identity.customer_by_email(args.email))


def cmd_customer_list(core, args) -> dict:
    return {"customers": [_customer_json(c) for c in core.identity.customers()]}


def cmd_customer_unlock(core, args) -> dict:
    c = core.identity.unlock(args.email, supervisor_id=args.supervisor_id, pin=_secret("PIN"))
    return {"unlocked": True, **_customer_json(c)}


def cmd_login(core, args) -> dict:
    if args.email is None:
        from shared.cli.external_id_cmds import external_login

        return external_login(core, args)
    if not args.password_stdin:
        from shared.cli.main import UsageError
        raise UsageError("--email needs --password-stdin (the password on standard input)")
    s = core.identity.sign_in(args.email, _secret(), totp=args.totp, recovery_code=args.recovery_code,
                              device=args.device, source=args.source)
    return {"session": s.token, "session_id": s.id, "customer_id": s.customer_id, "device": s.device,
            "created_at": to_iso(s.created_at),
            "step_up_at": to_iso(s.step_up_at) if s.step_up_at is not None else None}


def cmd_logout(core, args) -> dict:
    n = core.identity.sign_out(args.session, everywhere=args.everywhere)
    return {"sessions_ended": n}


def cmd_reset_request(core, args) -> dict:
    core.identity.request_reset(args.email, send_to=args.send_to, source=args.source)
    # The same answer whether or not the address belongs to an account.
    return {"requested": True, "message": "If this address has an account, a reset code was sent to it."}


def cmd_reset_complete(core, args) -> dict:
    core.identity.complete_reset(args.email, args.reset_code, _secret(), totp=args.totp,
                                 recovery_code=args.recovery_code)
    return {"reset": True, "message": "Password changed. Every device was signed out."}


def cmd_password_change(core, args) -> dict:
    core.identity.change_password(args.session, _secret(), totp=args.totp)
    return {"changed": True}


def _staff_json(s) -> dict:
    return {"staff_id": s.id, "name": s.name, "role": s.role.value}


def cmd_staff_add(core, args) -> dict:
    return _staff_json(core.staff.add(args.name, args.role, _secret("PIN")))


def cmd_staff_list(core, args) -> dict:
    return {"staff": [_staff_json(s) for s in core.staff.list()]}


def cmd_staff_verify(core, args) -> dict:
    return {"verified": True, **_staff_json(core.staff.verify(args.id, _secret("PIN")))}
